#ifndef SELFHEAL_LUA_SANDBOX_PATTERNS_H
#define SELFHEAL_LUA_SANDBOX_PATTERNS_H

/*
 * Internal to CLuaSandbox: the bounded Lua 5.4 pattern matcher shared by patterns.c
 * (the matcher, find, match, gmatch, rep) and patterns_gsub.c (gsub).
 *
 * Every piece of work is charged through lsb_charge, which raises a Lua error (a longjmp)
 * once the call's budget or deadline is spent. So nothing here holds heap memory: the
 * matcher lives on the C stack, and results go through the Lua stack and luaL_Buffer.
 */

#include <stddef.h>
#include <stdint.h>
#include <lua.h>

/* At most this many captures in one pattern (the limit of stock Lua). */
#define LSB_PAT_MAX_CAPTURES 32
/* At most this many nested matcher calls (stock Lua's MAXCCALLS); past it, "pattern too complex". */
#define LSB_PAT_MAX_DEPTH 200

/* The cost model. Work is counted in units, LSB_PAT_STEP units to a step of the C budget;
 * a step is about what one character test of the matcher costs (a few nanoseconds), and the
 * other weights are measured against it:
 *   - a character test or a backtracking step of the matcher: a whole step;
 *   - a byte scanned by memchr or memcmp (vectorised): LSB_PAT_BULK_BYTE;
 *   - a byte examined by a byte-at-a-time loop (a set's members, %b, walking back in a greedy
 *     run): LSB_PAT_LOOP_BYTE;
 *   - a byte written into a new string (a pushed capture, gsub's result, rep's result):
 *     LSB_PAT_OUT_BYTE; new memory costs more than scanning warm memory.
 * The debt is paid to lsb_charge whenever it reaches LSB_PAT_SETTLE units (256 steps). */
#define LSB_PAT_STEP 32
#define LSB_PAT_BULK_BYTE 1
#define LSB_PAT_LOOP_BYTE 8
#define LSB_PAT_OUT_BYTE 16
#define LSB_PAT_SETTLE (256 * LSB_PAT_STEP)

/* The length of a capture that is still open, and of a position capture `()`. */
#define LSB_CAP_OPEN ((ptrdiff_t)-1)
#define LSB_CAP_POSITION ((ptrdiff_t)-2)

typedef struct {
    const char *start;
    ptrdiff_t len; /* a length, LSB_CAP_OPEN or LSB_CAP_POSITION */
} lsb_capture;

typedef struct {
    lua_State *L;
    const char *src;     /* the subject */
    const char *src_end;
    const char *pat_end; /* the pattern ends here (it may contain '\0') */
    int level;           /* captures opened so far, closed or not */
    int depth_left;      /* nested matcher calls still allowed */
    int64_t owed;        /* work done but not yet charged, in units (see LSB_PAT_STEP) */
    lsb_capture capture[LSB_PAT_MAX_CAPTURES];
} lsb_matcher;

void lsb_pat_init(lsb_matcher *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp);

/* Forgets the captures and the depth of the previous attempt. */
static inline void lsb_pat_reset(lsb_matcher *m) {
    m->level = 0;
    m->depth_left = LSB_PAT_MAX_DEPTH;
}

/* Pays the debt now (raises if the budget is spent). */
void lsb_pat_settle(lsb_matcher *m);

/* Owes `units` of work; pays once the debt is large enough. */
static inline void lsb_pat_owe(lsb_matcher *m, int64_t units) {
    m->owed += units;
    if (m->owed >= LSB_PAT_SETTLE) {
        lsb_pat_settle(m);
    }
}

/* Pays what is left at the end of a call, rounded up to a whole step. */
void lsb_pat_finish(lsb_matcher *m);

/* One match attempt of pattern `p` (up to m->pat_end) at subject position `s`, after
 * lsb_pat_reset: the end of the match, or NULL. */
const char *lsb_pat_match(lsb_matcher *m, const char *s, const char *p);

/* When an attempt of `p` at any position, in the matcher's present state (captures, depth),
 * must fail at once unless that position holds one fixed byte, that byte; otherwise -1.
 * Positions not holding it can be skipped without trying them: there the attempt would fail
 * with no error and no other effect. */
int lsb_pat_first_byte(const lsb_matcher *m, const char *p);

/* A class the byte at a match's start must be in; see lsb_pat_first_class. */
typedef struct {
    const char *cls, *cls_end; /* the class in the pattern, [cls, cls_end) */
    unsigned char bits[32];    /* bit c set when byte c is in it */
} lsb_first_class;

/* When an attempt of `p` at any position, in the matcher's present state, must fail at once
 * unless the byte at that position is in one single-byte class (a set such as "[%a_]" or a
 * %-class such as "%d", not optional): fills `first` with it and its table of bytes (charged)
 * and returns 1; otherwise 0. Never raises: for a malformed class it gives 0, and the
 * attempt raises as it would have. */
int lsb_pat_first_class(lsb_matcher *m, const char *p, lsb_first_class *first);

/* The first position at or after `at` whose byte is in the class lsb_pat_first_class found;
 * NULL when none is. Charges each byte tested. */
const char *lsb_pat_class_candidate(lsb_matcher *m, const char *at, const lsb_first_class *first);

/* The first position at or after `at` that may start a match, given the result of
 * lsb_pat_first_byte (`first`); NULL when no position can. Charges the bytes skipped. */
const char *lsb_pat_candidate(lsb_matcher *m, const char *at, int first);

/* Capture `i` of the match [s, e) (the whole match when there are no captures and i == 0):
 * sets *start and returns its length, or returns LSB_CAP_POSITION for a position capture.
 * Raises "invalid capture index" or "unfinished capture". */
ptrdiff_t lsb_pat_capture(lsb_matcher *m, int i, const char *s, const char *e, const char **start);

/* Pushes capture `i` of the match [s, e), as lsb_pat_capture finds it (a position capture as
 * an integer), and charges the bytes copied. */
void lsb_pat_push_capture(lsb_matcher *m, int i, const char *s, const char *e);

/* Pushes every capture, or the whole match [s, e) when there are none and s is not NULL;
 * returns how many values it pushed. */
int lsb_pat_push_captures(lsb_matcher *m, const char *s, const char *e);

/* Lua's rule for a start position: 1-based, negative counts from the end, 0 means 1. */
size_t lsb_pat_start_index(lua_Integer pos, size_t len);

#endif

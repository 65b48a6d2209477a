/*
 * string.find, string.match, string.gmatch and string.rep with Lua 5.4 semantics, on the
 * bounded matcher of patterns.c; string.gsub is in patterns_gsub.c.
 */

#include "patterns.h"
#include "lua_sandbox.h"

#include <limits.h>
#include <string.h>
#include <lauxlib.h>

/* Like stock Lua, no function here builds a string longer than this. */
#define LSB_MAX_RESULT ((size_t)INT_MAX)

/* Whether p holds none of the characters that make a pattern more than a literal. */
static int is_literal(const char *p, size_t lp) {
    for (size_t i = 0; i < lp; i++) {
        switch (p[i]) {
        case '^': case '$': case '*': case '+': case '?': case '.': case '(': case '[': case '%': case '-':
            return 0;
        default:
            break;
        }
    }
    return 1;
}

/* The first occurrence of [p, p + lp) in [s, s + ls), or NULL. Every byte memchr skips and
 * every byte a candidate compares is charged, so a needle that nearly matches everywhere
 * ("aaa...ab" in "aaa...a") costs what it really costs. */
static const char *find_literal(lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
    if (lp == 0) return s;
    if (lp > ls) return NULL;
    const char *last = s + (ls - lp);
    size_t owed = 0; /* units */
    while (s <= last) {
        const char *hit = memchr(s, (unsigned char)p[0], (size_t)(last - s) + 1);
        if (hit == NULL) {
            owed += ((size_t)(last - s) + 1) * LSB_PAT_BULK_BYTE;
            break;
        }
        owed += ((size_t)(hit - s) + lp) * LSB_PAT_BULK_BYTE;
        if (owed >= LSB_PAT_SETTLE) {
            lsb_charge(L, (int64_t)(owed / LSB_PAT_STEP));
            owed %= LSB_PAT_STEP;
        }
        if (memcmp(hit + 1, p + 1, lp - 1) == 0) {
            lsb_charge(L, 1 + (int64_t)(owed / LSB_PAT_STEP));
            return hit;
        }
        s = hit + 1;
    }
    lsb_charge(L, 1 + (int64_t)(owed / LSB_PAT_STEP));
    return NULL;
}

/* The first match at or after `at` (only at `at` when anchored) whose end is not `reject`:
 * its end, with its start in *start; or NULL. */
static const char *search(lsb_matcher *m, const char *at, const char *p, int anchored, const char *reject,
                          const char **start) {
    lsb_pat_reset(m);
    int first = anchored ? -1 : lsb_pat_first_byte(m, p);
    /* Failing that, a class the first byte must be in ("[Cc]alled", "%d+"): tested here
     * costs a fraction of an attempt at every position. */
    lsb_first_class first_class;
    int has_class = !anchored && first < 0 && lsb_pat_first_class(m, p, &first_class);
    for (;;) {
        if (first >= 0) {
            at = lsb_pat_candidate(m, at, first);
            if (at == NULL) return NULL;
        } else if (has_class) {
            at = lsb_pat_class_candidate(m, at, &first_class);
            if (at == NULL) return NULL;
        }
        lsb_pat_owe(m, LSB_PAT_STEP);
        lsb_pat_reset(m);
        const char *e = lsb_pat_match(m, at, p);
        if (e != NULL && e != reject) {
            *start = at;
            return e;
        }
        if (anchored || at >= m->src_end) return NULL;
        at++;
    }
}

static int find_or_match(lua_State *L, int find) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = lsb_pat_start_index(luaL_optinteger(L, 3, 1), ls);
    if (init > ls + 1) {
        lua_pushnil(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || is_literal(p, lp))) {
        const char *from = s + init - 1;
        size_t room = ls - (init - 1);
        const char *hit = find_literal(L, from, room, p, lp);
        if (hit == NULL) {
            lua_pushnil(L);
            return 1;
        }
        lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
        lua_pushinteger(L, (lua_Integer)(hit - s) + (lua_Integer)lp);
        return 2;
    }
    int anchored = lp > 0 && *p == '^';
    if (anchored) {
        p++;
        lp--;
    }
    lsb_matcher m;
    lsb_pat_init(&m, L, s, ls, p, lp);
    const char *start = NULL;
    const char *e = search(&m, s + init - 1, p, anchored, NULL, &start);
    int n;
    if (e == NULL) {
        lua_pushnil(L);
        n = 1;
    } else if (find) {
        lua_pushinteger(L, (lua_Integer)(start - s) + 1);
        lua_pushinteger(L, (lua_Integer)(e - s));
        n = 2 + lsb_pat_push_captures(&m, NULL, NULL);
    } else {
        n = lsb_pat_push_captures(&m, start, e);
    }
    lsb_pat_finish(&m);
    return n;
}

int lsb_str_find(lua_State *L) { return find_or_match(L, 1); }

int lsb_str_match(lua_State *L) { return find_or_match(L, 0); }

/* The iterator's position: where the next search starts, and where the previous match
 * ended (an empty match there is skipped, so the iteration always moves on). */
typedef struct {
    size_t next;
    size_t last_end;
    int has_last;
} gmatch_state;

static int gmatch_step(lua_State *L) {
    size_t ls, lp;
    const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
    const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
    gmatch_state *g = (gmatch_state *)lua_touserdata(L, lua_upvalueindex(3));
    if (g->next > ls) return 0;
    lsb_matcher m;
    lsb_pat_init(&m, L, s, ls, p, lp);
    const char *start = NULL;
    const char *e = search(&m, s + g->next, p, 0, g->has_last ? s + g->last_end : NULL, &start);
    if (e == NULL) {
        g->next = ls + 1; /* every later position fails too */
        lsb_pat_finish(&m);
        return 0;
    }
    g->next = g->last_end = (size_t)(e - s);
    g->has_last = 1;
    int n = lsb_pat_push_captures(&m, start, e);
    lsb_pat_finish(&m);
    return n;
}

/* A '^' at the start of a gmatch pattern is an ordinary character, as in stock Lua 5.4. */
int lsb_str_gmatch(lua_State *L) {
    size_t ls, lp;
    luaL_checklstring(L, 1, &ls);
    luaL_checklstring(L, 2, &lp);
    size_t init = lsb_pat_start_index(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) init = ls + 1;
    lua_settop(L, 2);
    gmatch_state *g = (gmatch_state *)lua_newuserdatauv(L, sizeof *g, 0);
    g->next = init;
    g->last_end = 0;
    g->has_last = 0;
    lua_pushcclosure(L, gmatch_step, 3);
    return 1;
}

/* string.rep(s, n [, sep]); the bytes it produces are charged before it builds them. An empty
 * s and sep give "" at once, where the stock rep would loop n times copying nothing. */
static int lsb_str_rep(lua_State *L) {
    size_t l, lsep;
    const char *s = luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    const char *sep = luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    if (l + lsep < l || l + lsep > LSB_MAX_RESULT / (size_t)n) {
        return luaL_error(L, "resulting string too large");
    }
    size_t total = (size_t)n * l + (size_t)(n - 1) * lsep;
    /* Allocate first: a result larger than the memory cap is a memory error, as it is with
     * the stock rep, and only then is the copying charged. */
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, total);
    lsb_charge(L, 1 + (int64_t)total * LSB_PAT_OUT_BYTE / LSB_PAT_STEP);
    /* One period (s, then sep), then doubling copies of what is written: the result is
     * periodic, so copying a whole number of periods keeps it right. */
    memcpy(out, s, l);
    size_t filled = l;
    if (filled < total) {
        memcpy(out + filled, sep, lsep);
        filled += lsep;
    }
    while (filled < total) {
        size_t chunk = filled < total - filled ? filled : total - filled;
        memcpy(out + filled, out, chunk);
        filled += chunk;
    }
    luaL_pushresultsize(&b, total);
    return 1;
}

void lsb_install_bounded_string_functions(lua_State *L) {
    static const luaL_Reg functions[] = {
        {"find", lsb_str_find},
        {"match", lsb_str_match},
        {"gmatch", lsb_str_gmatch},
        {"gsub", lsb_str_gsub},
        {"rep", lsb_str_rep},
        {NULL, NULL},
    };
    luaL_setfuncs(L, functions, 0);
}

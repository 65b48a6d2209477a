/*
 * A bounded matcher for Lua 5.4 patterns (reference manual §6.4.1).
 *
 * It is a backtracking matcher, because the semantics of Lua patterns are those of one:
 * `*` and `+` take the longest run first and give back one character at a time, `-` takes
 * the shortest first, and errors in a malformed pattern are raised only when an attempt
 * reaches the faulty piece. What differs from an unbounded one is that every character test,
 * every backtracking step and every byte scanned or copied is owed to the call's C budget
 * (see patterns.h), so a pattern whose cost explodes is stopped by lsb_charge.
 *
 * Character classes follow the C locale whatever the process locale is: bytes above 127
 * belong to no class.
 */

#include "patterns.h"
#include "lua_sandbox.h"

#include <string.h>
#include <lauxlib.h>

#define ESC '%'

typedef unsigned char uchar;

/* ---- Character classes (C locale) ---- */

static inline int c_lower(unsigned c) { return c - 'a' < 26u; }
static inline int c_upper(unsigned c) { return c - 'A' < 26u; }
static inline int c_alpha(unsigned c) { return (c | 0x20u) - 'a' < 26u; }
static inline int c_digit(unsigned c) { return c - '0' < 10u; }
static inline int c_alnum(unsigned c) { return c_alpha(c) || c_digit(c); }
static inline int c_space(unsigned c) { return c == ' ' || c - '\t' < 5u; }
static inline int c_cntrl(unsigned c) { return c < 32u || c == 127u; }
static inline int c_graph(unsigned c) { return c - 33u < 94u; }
static inline int c_punct(unsigned c) { return c_graph(c) && !c_alnum(c); }
static inline int c_xdigit(unsigned c) { return c_digit(c) || (c | 0x20u) - 'a' < 6u; }

/* Whether byte c is in the class named by the letter after a '%' (`cl`); any other byte
 * after '%' stands for itself. An upper-case class letter is the complement. */
static int in_class(unsigned c, unsigned cl) {
    int in;
    switch (c_upper(cl) ? cl + 32u : cl) {
    case 'a': in = c_alpha(c); break;
    case 'c': in = c_cntrl(c); break;
    case 'd': in = c_digit(c); break;
    case 'g': in = c_graph(c); break;
    case 'l': in = c_lower(c); break;
    case 'p': in = c_punct(c); break;
    case 's': in = c_space(c); break;
    case 'u': in = c_upper(c); break;
    case 'w': in = c_alnum(c); break;
    case 'x': in = c_xdigit(c); break;
    case 'z': in = c == 0; break; /* deprecated in the manual, still accepted by Lua 5.4 */
    default: return cl == c;
    }
    return c_upper(cl) ? !in : in;
}

/* Whether byte c is in the set that opens at `open` ('[') and closes at `close` (']'). */
static int in_set(lsb_matcher *m, unsigned c, const char *open, const char *close) {
    const char *p = open + 1;
    int want = 1, found = 0;
    if (*p == '^') {
        want = 0;
        p++;
    }
    for (; p < close; p++) {
        if (*p == ESC) {
            p++;
            if (in_class(c, (uchar)*p)) {
                found = 1;
                break;
            }
        } else if (p + 2 < close && p[1] == '-') {
            if ((uchar)p[0] <= c && c <= (uchar)p[2]) {
                found = 1;
                break;
            }
            p += 2;
        } else if ((uchar)*p == c) {
            found = 1;
            break;
        }
    }
    lsb_pat_owe(m, (p - open) * LSB_PAT_LOOP_BYTE);
    return found ? want : !want;
}

/* Where the single-character class starting at p ends (one past it). */
/* Where the set opening at p ('[') ends (one past its ']'); NULL for a set that does not
 * close. Raises nothing: lsb_pat_first_class looks ahead with it. */
static const char *set_end(const char *p, const char *pe) {
    const char *q = p + 1;
    if (q < pe && *q == '^') q++;
    /* The first member is taken whatever it is, so "[]" and "[^]" begin a set holding ']'. */
    do {
        if (q >= pe) return NULL;
        if (*q++ == ESC && q < pe) q++;
    } while (q >= pe || *q != ']');
    return q + 1;
}

static const char *class_end(lsb_matcher *m, const char *p) {
    const char *pe = m->pat_end;
    if (*p == ESC) {
        if (p + 1 >= pe) luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 2;
    }
    if (*p != '[') return p + 1;
    const char *end = set_end(p, pe);
    if (end == NULL) luaL_error(m->L, "malformed pattern (missing ']')");
    lsb_pat_owe(m, (end - 1 - p) * LSB_PAT_LOOP_BYTE);
    return end;
}

/* Whether byte c (inside the subject) matches the class [p, ep). */
static inline int single(lsb_matcher *m, unsigned c, const char *p, const char *ep) {
    switch (*p) {
    case '.': return 1;
    case ESC: return in_class(c, (uchar)p[1]);
    case '[': return in_set(m, c, p, ep - 1);
    default: return (uchar)*p == c;
    }
}

/* ---- The matcher ---- */

static const char *run(lsb_matcher *m, const char *s, const char *p);

static int is_quantifier_allowing_zero(char q) { return q == '*' || q == '?' || q == '-'; }

/* The item an attempt of `p` reaches first, looking through capture brackets: an attempt
 * passes them without effect, provided that passing them cannot raise (too many captures,
 * nothing to close, too deep); NULL when it could, or when the pattern ends first. */
static const char *first_item(const lsb_matcher *m, const char *p) {
    const char *pe = m->pat_end;
    int level = m->level;
    int depth = m->depth_left;
    int open = 0;
    for (int i = 0; i < level; i++) {
        if (m->capture[i].len == LSB_CAP_OPEN) open++;
    }
    for (;;) {
        if (depth <= 0 || p >= pe) return NULL;
        if (*p == '(') {
            if (level >= LSB_PAT_MAX_CAPTURES) return NULL;
            if (p + 1 < pe && p[1] == ')') {
                p += 2;
            } else {
                p += 1;
                open++;
            }
            level++;
            depth--;
        } else if (*p == ')') {
            if (open == 0) return NULL;
            open--;
            p++;
            depth--;
        } else {
            return p;
        }
    }
}

int lsb_pat_first_byte(const lsb_matcher *m, const char *p) {
    const char *pe = m->pat_end;
    p = first_item(m, p);
    if (p == NULL) return -1;
    switch (*p) {
    case ESC: case '[': case '.': return -1;
    case '$': if (p + 1 == pe) return -1; break;
    default: break;
    }
    if (p + 1 < pe && is_quantifier_allowing_zero(p[1])) return -1;
    return (uchar)*p;
}

static void add_range(unsigned char bits[32], unsigned from, unsigned to) {
    for (unsigned c = from; c <= to; c++) bits[c >> 3] |= (unsigned char)(1u << (c & 7));
}

/* Adds the bytes in_class(c, cl) holds: the C-locale classes as byte ranges (bytes above
 * 127 in none of them), an upper-case letter their complement, any other byte itself. */
static void add_class(unsigned char bits[32], unsigned cl) {
    unsigned char own[32] = {0};
    switch (c_upper(cl) ? cl + 32u : cl) {
    case 'a': add_range(own, 'A', 'Z'); add_range(own, 'a', 'z'); break;
    case 'c': add_range(own, 0, 31); add_range(own, 127, 127); break;
    case 'd': add_range(own, '0', '9'); break;
    case 'g': add_range(own, 33, 126); break;
    case 'l': add_range(own, 'a', 'z'); break;
    case 'p': add_range(own, 33, 47); add_range(own, 58, 64); add_range(own, 91, 96); add_range(own, 123, 126); break;
    case 's': add_range(own, '\t', '\r'); add_range(own, ' ', ' '); break;
    case 'u': add_range(own, 'A', 'Z'); break;
    case 'w': add_range(own, '0', '9'); add_range(own, 'A', 'Z'); add_range(own, 'a', 'z'); break;
    case 'x': add_range(own, '0', '9'); add_range(own, 'A', 'F'); add_range(own, 'a', 'f'); break;
    case 'z': add_range(own, 0, 0); break;
    default: add_range(bits, cl, cl); return;
    }
    for (int i = 0; i < 32; i++) bits[i] |= c_upper(cl) ? (unsigned char)~own[i] : own[i];
}

/* The bytes the class [p, ep) holds, member by member as in_set and in_class test them. */
static void build_class(lsb_matcher *m, lsb_first_class *first) {
    const char *p = first->cls, *ep = first->cls_end;
    unsigned char *bits = first->bits;
    memset(bits, 0, sizeof first->bits);
    if (*p == ESC) {
        add_class(bits, (uchar)p[1]);
    } else {
        const char *close = ep - 1;
        const char *q = p + 1;
        int negated = *q == '^';
        if (negated) q++;
        for (; q < close; q++) {
            if (*q == ESC) {
                q++;
                add_class(bits, (uchar)*q);
            } else if (q + 2 < close && q[1] == '-') {
                if ((uchar)q[0] <= (uchar)q[2]) add_range(bits, (uchar)q[0], (uchar)q[2]);
                q += 2;
            } else {
                add_range(bits, (uchar)*q, (uchar)*q);
            }
        }
        if (negated) {
            for (int i = 0; i < 32; i++) bits[i] = (unsigned char)~bits[i];
        }
    }
    lsb_pat_owe(m, (ep - p) * LSB_PAT_LOOP_BYTE + 32 * LSB_PAT_BULK_BYTE);
}

int lsb_pat_first_class(lsb_matcher *m, const char *p, lsb_first_class *first) {
    const char *pe = m->pat_end;
    p = first_item(m, p);
    if (p == NULL) return 0;
    const char *ep;
    if (*p == '[') {
        ep = set_end(p, pe);
        if (ep == NULL) return 0;
    } else if (*p == ESC) {
        /* %b, %f and back references are not one-byte classes; a trailing '%' raises. */
        if (p + 1 >= pe || p[1] == 'b' || p[1] == 'f' || c_digit((uchar)p[1])) return 0;
        ep = p + 2;
    } else {
        return 0; /* a fixed byte (lsb_pat_first_byte), '.', or an anchor */
    }
    if (ep < pe && is_quantifier_allowing_zero(*ep)) return 0;
    first->cls = p;
    first->cls_end = ep;
    build_class(m, first);
    return 1;
}

const char *lsb_pat_class_candidate(lsb_matcher *m, const char *at, const lsb_first_class *first) {
    const char *end = m->src_end;
    const unsigned char *bits = first->bits;
    const char *from = at;
    while (at < end && !(bits[(uchar)*at >> 3] & (1u << ((uchar)*at & 7)))) at++;
    lsb_pat_owe(m, (at - from) * LSB_PAT_LOOP_BYTE);
    return at < end ? at : NULL;
}

const char *lsb_pat_candidate(lsb_matcher *m, const char *at, int first) {
    const char *hit = memchr(at, first, (size_t)(m->src_end - at));
    lsb_pat_owe(m, ((hit ? hit : m->src_end) - at) * LSB_PAT_BULK_BYTE);
    return hit;
}

static const char *open_capture(lsb_matcher *m, const char *s, const char *p, ptrdiff_t what) {
    int level = m->level;
    if (level >= LSB_PAT_MAX_CAPTURES) luaL_error(m->L, "too many captures");
    m->capture[level].start = s;
    m->capture[level].len = what;
    m->level = level + 1;
    const char *r = run(m, s, p);
    if (r == NULL) m->level = level;
    return r;
}

static const char *close_capture(lsb_matcher *m, const char *s, const char *p) {
    int l = m->level - 1;
    while (l >= 0 && m->capture[l].len != LSB_CAP_OPEN) l--;
    if (l < 0) luaL_error(m->L, "invalid pattern capture");
    m->capture[l].len = s - m->capture[l].start;
    const char *r = run(m, s, p);
    if (r == NULL) m->capture[l].len = LSB_CAP_OPEN;
    return r;
}

/* %bxy at s, with p pointing at x: one past the balanced run, or NULL. */
static const char *balance(lsb_matcher *m, const char *s, const char *p) {
    if (p + 1 >= m->pat_end) luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->src_end || *s != p[0]) return NULL;
    char open = p[0], close = p[1];
    int depth = 1;
    for (const char *t = s + 1; t < m->src_end; t++) {
        if (*t == close) {
            if (--depth == 0) {
                lsb_pat_owe(m, (t + 1 - s) * LSB_PAT_LOOP_BYTE);
                return t + 1;
            }
        } else if (*t == open) {
            depth++;
        }
    }
    lsb_pat_owe(m, (m->src_end - s) * LSB_PAT_LOOP_BYTE);
    return NULL;
}

/* %1-%9 (digit `k`) at s: one past the repeated text, or NULL. */
static const char *back_reference(lsb_matcher *m, const char *s, char k) {
    int i = k - '1';
    if (i < 0 || i >= m->level || m->capture[i].len == LSB_CAP_OPEN) {
        luaL_error(m->L, "invalid capture index %%%d", i + 1);
    }
    ptrdiff_t len = m->capture[i].len;
    /* A position capture has no text, and repeating it never matches. */
    if (len == LSB_CAP_POSITION || m->src_end - s < len) return NULL;
    lsb_pat_owe(m, len * LSB_PAT_BULK_BYTE);
    return memcmp(m->capture[i].start, s, (size_t)len) == 0 ? s + len : NULL;
}

/* The class [p, ep) repeats from s, where it already matched once; tries the longest run
 * first, then gives back one character at a time down to `least` repetitions. */
static const char *greedy(lsb_matcher *m, const char *s, size_t least, const char *p, const char *ep) {
    const char *rest = ep + 1;
    size_t n = 1;
    if (*p == '.') {
        n = (size_t)(m->src_end - s);
        lsb_pat_owe(m, (int64_t)n * LSB_PAT_BULK_BYTE);
    } else {
        while (s + n < m->src_end && single(m, (uchar)s[n], p, ep)) {
            n++;
            lsb_pat_owe(m, LSB_PAT_STEP);
        }
    }
    int next = lsb_pat_first_byte(m, rest);
    for (;;) {
        if (next >= 0) {
            /* Only positions holding `next` can continue: walk back to the nearest one. */
            size_t k = n;
            while (k > least && (s + k >= m->src_end || (uchar)s[k] != next)) k--;
            lsb_pat_owe(m, (int64_t)(n - k) * LSB_PAT_LOOP_BYTE);
            n = k;
            if (s + n >= m->src_end || (uchar)s[n] != next) return NULL;
        }
        const char *r = run(m, s + n, rest);
        if (r != NULL) return r;
        lsb_pat_owe(m, LSB_PAT_STEP);
        if (n == least) return NULL;
        n--;
    }
}

/* The class [p, ep) repeats lazily from s: tries the rest first, then one more character. */
static const char *lazy(lsb_matcher *m, const char *s, const char *p, const char *ep) {
    const char *rest = ep + 1;
    int next = lsb_pat_first_byte(m, rest);
    for (;;) {
        if (next >= 0 && *p == '.') {
            /* Only positions holding `next` can continue, and '.' takes anything before them. */
            const char *hit = lsb_pat_candidate(m, s, next);
            if (hit == NULL) return NULL;
            s = hit;
        }
        if (next < 0 || (s < m->src_end && (uchar)*s == next)) {
            const char *r = run(m, s, rest);
            if (r != NULL) return r;
        }
        lsb_pat_owe(m, LSB_PAT_STEP);
        if (s < m->src_end && single(m, (uchar)*s, p, ep)) {
            s++;
        } else {
            return NULL;
        }
    }
}

static const char *step(lsb_matcher *m, const char *s, const char *p) {
    const char *pe = m->pat_end;
    for (;;) {
        if (p == pe) return s;
        lsb_pat_owe(m, LSB_PAT_STEP);
        switch (*p) {
        case '(':
            if (p + 1 < pe && p[1] == ')') return open_capture(m, s, p + 2, LSB_CAP_POSITION);
            return open_capture(m, s, p + 1, LSB_CAP_OPEN);
        case ')':
            return close_capture(m, s, p + 1);
        case '$':
            if (p + 1 == pe) return s == m->src_end ? s : NULL;
            break;
        case ESC:
            if (p + 1 >= pe) break;
            if (p[1] == 'b') {
                s = balance(m, s, p + 2);
                if (s == NULL) return NULL;
                p += 4;
                continue;
            }
            if (p[1] == 'f') {
                const char *set = p + 2;
                if (set >= pe || *set != '[') luaL_error(m->L, "missing '[' after '%%f' in pattern");
                const char *ep = class_end(m, set);
                unsigned before = s == m->src ? 0u : (uchar)s[-1];
                unsigned here = s < m->src_end ? (uchar)*s : 0u;
                if (in_set(m, before, set, ep - 1) || !in_set(m, here, set, ep - 1)) return NULL;
                p = ep;
                continue;
            }
            if (c_digit((uchar)p[1])) {
                s = back_reference(m, s, p[1]);
                if (s == NULL) return NULL;
                p += 2;
                continue;
            }
            break;
        default:
            break;
        }
        /* A single-character class, perhaps quantified. */
        const char *ep = class_end(m, p);
        char q = ep < pe ? *ep : '\0';
        if (s >= m->src_end || !single(m, (uchar)*s, p, ep)) {
            if (!is_quantifier_allowing_zero(q)) return NULL;
            p = ep + 1;
            continue;
        }
        switch (q) {
        case '?': {
            const char *r = run(m, s + 1, ep + 1);
            if (r != NULL) return r;
            p = ep + 1;
            continue;
        }
        case '+': return greedy(m, s, 1, p, ep);
        case '*': return greedy(m, s, 0, p, ep);
        case '-': return lazy(m, s, p, ep);
        default:
            s++;
            p = ep;
            continue;
        }
    }
}

static const char *run(lsb_matcher *m, const char *s, const char *p) {
    if (m->depth_left-- == 0) luaL_error(m->L, "pattern too complex");
    const char *r = step(m, s, p);
    m->depth_left++;
    return r;
}

const char *lsb_pat_match(lsb_matcher *m, const char *s, const char *p) {
    return run(m, s, p);
}

/* ---- State, charging, captures ---- */

void lsb_pat_init(lsb_matcher *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
    m->L = L;
    m->src = s;
    m->src_end = s + ls;
    m->pat_end = p + lp;
    m->owed = 0;
    lsb_pat_reset(m);
}

void lsb_pat_settle(lsb_matcher *m) {
    int64_t steps = m->owed / LSB_PAT_STEP;
    m->owed -= steps * LSB_PAT_STEP;
    lsb_charge(m->L, steps);
}

void lsb_pat_finish(lsb_matcher *m) {
    int64_t steps = (m->owed + LSB_PAT_STEP - 1) / LSB_PAT_STEP;
    m->owed = 0;
    lsb_charge(m->L, steps);
}

ptrdiff_t lsb_pat_capture(lsb_matcher *m, int i, const char *s, const char *e, const char **start) {
    if (i >= m->level) {
        if (i != 0) luaL_error(m->L, "invalid capture index %%%d", i + 1);
        *start = s;
        return e - s;
    }
    ptrdiff_t len = m->capture[i].len;
    if (len == LSB_CAP_OPEN) luaL_error(m->L, "unfinished capture");
    *start = m->capture[i].start;
    return len;
}

void lsb_pat_push_capture(lsb_matcher *m, int i, const char *s, const char *e) {
    const char *start;
    ptrdiff_t len = lsb_pat_capture(m, i, s, e, &start);
    if (len == LSB_CAP_POSITION) {
        lua_pushinteger(m->L, (lua_Integer)(start - m->src) + 1);
    } else {
        lsb_pat_owe(m, len * LSB_PAT_OUT_BYTE);
        lua_pushlstring(m->L, start, (size_t)len);
    }
}

int lsb_pat_push_captures(lsb_matcher *m, const char *s, const char *e) {
    int n = (m->level == 0 && s != NULL) ? 1 : m->level;
    luaL_checkstack(m->L, n, "too many captures");
    for (int i = 0; i < n; i++) lsb_pat_push_capture(m, i, s, e);
    return n;
}

size_t lsb_pat_start_index(lua_Integer pos, size_t len) {
    if (pos > 0) return (size_t)pos;
    if (pos == 0) return 1;
    if (pos < -(lua_Integer)len) return 1;
    return len - (size_t)(-pos) + 1;
}

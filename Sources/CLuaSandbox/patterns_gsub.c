/*
 * string.gsub with Lua 5.4 semantics on the bounded matcher of patterns.c. Every byte it
 * adds to the result is charged, so a small pattern with a large replacement cannot build
 * an enormous string inside one call without running out of budget.
 */

#include "patterns.h"
#include "lua_sandbox.h"

#include <string.h>
#include <lauxlib.h>

static void add_bytes(lsb_matcher *m, luaL_Buffer *b, const char *s, size_t len) {
    lsb_pat_owe(m, (int64_t)len * LSB_PAT_OUT_BYTE);
    luaL_addlstring(b, s, len);
}

/* A string (or number) replacement: '%0'-'%9' insert captures, '%%' a '%'. */
static void add_template(lsb_matcher *m, luaL_Buffer *b, const char *s, const char *e) {
    size_t len;
    const char *r = lua_tolstring(m->L, 3, &len);
    const char *end = r + len;
    for (;;) {
        const char *pct = memchr(r, '%', (size_t)(end - r));
        if (pct == NULL) {
            add_bytes(m, b, r, (size_t)(end - r));
            return;
        }
        add_bytes(m, b, r, (size_t)(pct - r));
        char k = pct + 1 < end ? pct[1] : '\0';
        if (k == '%') {
            add_bytes(m, b, "%", 1);
        } else if (k == '0') {
            add_bytes(m, b, s, (size_t)(e - s));
        } else if (k >= '1' && k <= '9') {
            const char *start;
            ptrdiff_t cl = lsb_pat_capture(m, k - '1', s, e, &start);
            if (cl == LSB_CAP_POSITION) {
                lua_pushinteger(m->L, (lua_Integer)(start - m->src) + 1);
                luaL_addvalue(b);
            } else {
                add_bytes(m, b, start, (size_t)cl);
            }
        } else {
            luaL_error(m->L, "invalid use of '%c' in replacement string", '%');
        }
        r = pct + 2;
    }
}

/* Adds the replacement of the match [s, e); `kind` is the type of the replacement argument. */
static void add_replacement(lsb_matcher *m, luaL_Buffer *b, const char *s, const char *e, int kind) {
    lua_State *L = m->L;
    if (kind == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        int n = lsb_pat_push_captures(m, s, e);
        lua_call(L, n, 1);
    } else if (kind == LUA_TTABLE) {
        lsb_pat_push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_template(m, b, s, e);
        return;
    }
    if (!lua_toboolean(L, -1)) {
        /* false or nil: keep the original text */
        lua_pop(L, 1);
        add_bytes(m, b, s, (size_t)(e - s));
    } else if (!lua_isstring(L, -1)) {
        luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    } else {
        size_t len;
        lua_tolstring(L, -1, &len);
        lsb_pat_owe(m, (int64_t)len * LSB_PAT_OUT_BYTE);
        luaL_addvalue(b);
    }
}

int lsb_str_gsub(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int kind = lua_type(L, 3);
    lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION || kind == LUA_TTABLE, 3,
                     "string/function/table");
    int anchored = lp > 0 && *p == '^';
    if (anchored) {
        p++;
        lp--;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    lsb_matcher m;
    lsb_pat_init(&m, L, s, ls, p, lp);
    int first = anchored ? -1 : lsb_pat_first_byte(&m, p);
    lsb_first_class first_class;
    int has_class = !anchored && first < 0 && lsb_pat_first_class(&m, p, &first_class);
    const char *at = s, *end = s + ls, *last_end = NULL;
    lua_Integer n = 0;
    while (n < max_n) {
        if (first >= 0 || has_class) {
            /* Copy at once what cannot start a match. */
            const char *next = first >= 0 ? lsb_pat_candidate(&m, at, first) : lsb_pat_class_candidate(&m, at, &first_class);
            const char *stop = next ? next : end;
            add_bytes(&m, &b, at, (size_t)(stop - at));
            at = stop;
            if (next == NULL) break;
        }
        lsb_pat_owe(&m, LSB_PAT_STEP);
        lsb_pat_reset(&m);
        const char *e = lsb_pat_match(&m, at, p);
        if (e != NULL && e != last_end) {
            n++;
            add_replacement(&m, &b, at, e, kind);
            at = last_end = e;
        } else if (at < end) {
            lsb_pat_owe(&m, LSB_PAT_OUT_BYTE);
            luaL_addchar(&b, *at);
            at++;
        } else {
            break;
        }
        if (anchored) break;
    }
    add_bytes(&m, &b, at, (size_t)(end - at));
    luaL_pushresult(&b);
    lua_pushinteger(L, n);
    lsb_pat_finish(&m);
    return 2;
}

#include "lua_sandbox.h"

/* The stack on entry: 1 the callee, 2 the template's values, 3 its shape.
 *
 * values: a sequence (with holes for nil): the plain fields' values, then one sequence per
 * table of the shape (nil: the table is absent).
 * shape: a sequence of the plain fields' names, then one sequence per table:
 * { name, field names... }.
 *
 * Builds the copy with the C API, then calls the callee with it. Before this, a constructor
 * compiled from Lua source built it: some sixty VM instructions per call, each paying the
 * count hook, where this pays a hash insertion per key and nothing more. */
static int call_with_copy(lua_State *L) {
    lua_Integer count = (lua_Integer)lua_rawlen(L, 3);
    lua_createtable(L, 0, (int)count);                                 /* 4: the copy */
    for (lua_Integer i = 1; i <= count; i++) {
        if (lua_rawgeti(L, 3, i) == LUA_TSTRING) {                     /* 5: a field's name */
            if (lua_rawgeti(L, 2, i) == LUA_TNIL) {                    /* 6: its value */
                lua_pop(L, 2);
            } else {
                lua_rawset(L, 4);
            }
            continue;
        }
        /* 5: a table's shape */
        if (lua_rawgeti(L, 2, i) != LUA_TTABLE) {                      /* 6: its values */
            lua_pop(L, 2);
            continue;
        }
        lua_Integer fields = (lua_Integer)lua_rawlen(L, 5) - 1;
        lua_rawgeti(L, 5, 1);                                          /* 7: its name */
        lua_createtable(L, 0, (int)fields);                            /* 8: its copy */
        for (lua_Integer j = 1; j <= fields; j++) {
            lua_rawgeti(L, 5, j + 1);                                  /* 9: a field's name */
            if (lua_rawgeti(L, 6, j) == LUA_TNIL) {                    /* 10: its value */
                lua_pop(L, 2);
            } else {
                lua_rawset(L, 8);
            }
        }
        lua_rawset(L, 4);
        lua_pop(L, 2);
    }
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 4);
    lua_call(L, 1, LUA_MULTRET);
    /* Everything above the copy is the callee's results. */
    return lua_gettop(L) - 4;
}

void lsb_push_call_with_copy(lua_State *L) {
    lua_pushcfunction(L, call_with_copy);
}

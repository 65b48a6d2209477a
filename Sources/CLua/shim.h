#ifndef SELFHEAL_CLUA_SHIM_H
#define SELFHEAL_CLUA_SHIM_H

#include <stdio.h>
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

/*
 * Editing this header: SwiftPM does not rebuild the Swift modules that inline these functions
 * when only the header changed (an incremental `swift build` keeps the old code). Touch a Swift
 * file of SelfHealLua and SelfHealRules (`touch Sources/SelfHealLua/*.swift
 * Sources/SelfHealRules/*.swift`) before building, tests and release alike.
 *
 * Static inline wrappers for what Swift cannot import from Lua's headers (macros, variadic
 * functions, LUA_REGISTRYINDEX). The parts of the sandbox that raise Lua errors from C (the
 * capped allocator, the bounding hook, the bounded string functions) live in CLuaSandbox.
 */

/* Opens only the libraries the sandbox allows. `os` is opened so the sandbox can copy
 * os.time and os.clock out of it, `debug` so the trusted prelude can walk upvalues when it
 * freezes a loaded file; the prelude removes `debug` and never exposes the rest of `os`. */
static inline void shim_open_sandbox_libs(lua_State *L) {
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    lua_pop(L, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    lua_pop(L, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    lua_pop(L, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    lua_pop(L, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_pop(L, 1);
    luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 1);
    lua_pop(L, 1);
    luaL_requiref(L, LUA_DBLIBNAME, luaopen_debug, 1);
    lua_pop(L, 1);
}

static inline int shim_registryindex(void) { return LUA_REGISTRYINDEX; }

static inline int shim_pcall(lua_State *L, int nargs, int nresults) {
    return lua_pcall(L, nargs, nresults, 0);
}

static inline void shim_pop(lua_State *L, int n) { lua_pop(L, n); }

static inline void shim_newtable(lua_State *L) { lua_newtable(L); }

static inline double shim_tonumber(lua_State *L, int idx) { return lua_tonumber(L, idx); }

static inline const char *shim_tolstring(lua_State *L, int idx, size_t *len) {
    return lua_tolstring(L, idx, len);
}

static inline int shim_isinteger(lua_State *L, int idx) { return lua_isinteger(L, idx); }

static inline void shim_gc_collect(lua_State *L) { lua_gc(L, LUA_GCCOLLECT); }

static inline void shim_gc_generational(lua_State *L) { lua_gc(L, LUA_GCGEN, 0, 0); }

static inline int shim_gc_kilobytes(lua_State *L) { return lua_gc(L, LUA_GCCOUNT); }

static inline int shim_ref(lua_State *L) { return luaL_ref(L, LUA_REGISTRYINDEX); }

static inline void shim_unref(lua_State *L, int ref) { luaL_unref(L, LUA_REGISTRYINDEX, ref); }

static inline int shim_getref(lua_State *L, int ref) { return lua_rawgeti(L, LUA_REGISTRYINDEX, ref); }

/* Loads text only: a binary chunk is refused whatever its source. */
static inline int shim_loadtext(lua_State *L, const char *buffer, size_t size, const char *chunkname) {
    return luaL_loadbufferx(L, buffer, size, chunkname, "t");
}

/* The number of entries of the table at idx (raw), so that its copy is made at its final
 * size: grown one insertion at a time, a table of ten fields is rehashed four times. */
static inline int shim_count_entries(lua_State *L, int idx) {
    int count = 0;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        count++;
        lua_pop(L, 1);
    }
    return count;
}

/* Pushes a shallow copy of the table at idx; tables one level down are copied too, so a
 * callee given the copy cannot change what the next callee sees. Raw access only: the
 * copied tables are built by Swift and have no metatables. */
static inline void shim_copy_table2(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_createtable(L, 0, shim_count_entries(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        if (lua_type(L, -1) == LUA_TTABLE) {
            int inner = lua_absindex(L, -1);
            lua_createtable(L, 0, shim_count_entries(L, inner));
            lua_pushnil(L);
            while (lua_next(L, inner) != 0) {
                lua_pushvalue(L, -2);
                lua_insert(L, -2);
                lua_rawset(L, -4);
            }
            lua_remove(L, -2); /* drop the original inner table, keep the copy */
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

#endif

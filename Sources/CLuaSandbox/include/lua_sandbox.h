#ifndef SELFHEAL_LUA_SANDBOX_H
#define SELFHEAL_LUA_SANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <lua.h>

/*
 * The half of the Lua sandbox that must be C: the allocator that caps memory, the count hook
 * that bounds instructions and wall-clock time, and the bounded string pattern functions.
 * They all raise Lua errors, and a Lua error must never longjmp through a Swift frame, so
 * they live here and Swift only calls them through lua_pcall.
 */

/* Why a call was stopped; set by the hook or by lsb_charge, cleared by lsb_arm. */
enum {
    LSB_STOP_NONE = 0,
    LSB_STOP_INSTRUCTIONS = 1,
    LSB_STOP_WALL_CLOCK = 2,
    LSB_STOP_LIBRARY_STEPS = 3,
};

/* Small blocks (up to LSB_SIZE_CLASSES * LSB_CLASS_BYTES bytes) are kept for reuse in classes
 * of LSB_CLASS_BYTES bytes: see allocator.c. */
#define LSB_CLASS_BYTES 16
#define LSB_SIZE_CLASSES 16

/* One state's bookkeeping. The allocator reads `limit`; the hook and lsb_charge read the rest.
 * Swift moves them around each protected call with lsb_arm / lsb_disarm. */
typedef struct {
    size_t used;
    size_t limit;
    /* LSB_STOP_*: the bound that stopped the current call, if any. */
    int stopped;
    /* Instructions left in this call; the hook fires every LSB_HOOK_STRIDE of them. */
    int64_t instructions_left;
    /* Work units (pattern steps, bytes scanned) left for C library functions in this call. */
    int64_t c_steps_left;
    /* CLOCK_MONOTONIC nanoseconds after which the call is stopped; 0: no deadline. */
    uint64_t deadline_ns;
    /* Counts down the steps between two clock reads in lsb_charge. */
    int64_t clock_countdown;
    /* Freed small blocks kept for reuse, one list per size class (allocator.c); index 0 unused. */
    void *free_blocks[LSB_SIZE_CLASSES + 1];
    /* Bytes held in free_blocks. */
    size_t cached;
} LuaSandboxLimits;

/* A state whose allocations are capped by `limits` and whose panic handler reports and aborts. */
lua_State *lsb_newstate(LuaSandboxLimits *limits);

/* Closes a state made by lsb_newstate, and frees the blocks its allocator kept for reuse;
 * `limits` may go after this. */
void lsb_close(lua_State *L);

/* Arms every bound for the next protected call: `instructions` VM instructions, `c_steps`
 * units of work inside the bounded C functions, and a wall-clock deadline `wall_ns` from now
 * (0: none). The hook cannot be disarmed from Lua: scripts have no debug library. */
void lsb_arm(lua_State *L, int64_t instructions, int64_t c_steps, uint64_t wall_ns);

/* Removes the hook after a call. */
void lsb_disarm(lua_State *L);

/* Charges `steps` units of work done inside a C function called from Lua; raises a Lua error
 * (never returns) once the call's C budget or its deadline is spent. Only call it from a C
 * function that Lua called, where raising an error is safe. */
void lsb_charge(lua_State *L, int64_t steps);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t lsb_now_ns(void);

/* Replaces string.find, string.match, string.gmatch, string.gsub and string.rep in the
 * string library table on top of the stack with versions whose work is charged through
 * lsb_charge, so no pattern and no repetition can run unbounded inside one C call. */
void lsb_install_bounded_string_functions(lua_State *L);

/* Pushes a C function that, called with (callee, values, shape), builds a fresh table of
 * `shape` holding `values` (two levels: plain fields, then tables of fields) and returns what
 * the callee returns for it. Called inside a protected call, so the copy's memory counts
 * against the callee's cap. See template_copy.c for the two tables' layout. */
void lsb_push_call_with_copy(lua_State *L);

/* The bounded pattern functions themselves (Lua 5.4 pattern semantics). */
int lsb_str_find(lua_State *L);
int lsb_str_match(lua_State *L);
int lsb_str_gmatch(lua_State *L);
int lsb_str_gsub(lua_State *L);

#endif

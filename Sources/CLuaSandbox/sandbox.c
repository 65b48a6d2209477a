#include "allocator.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <lauxlib.h>

/* The hook fires this often; between two firings a script runs at most this many
 * instructions past its budget, and the clock is read once per firing. */
#define LSB_HOOK_STRIDE 1000
/* lsb_charge reads the clock once per this many steps. */
#define LSB_CLOCK_STRIDE 4096

uint64_t lsb_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static LuaSandboxLimits *limits_of(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (LuaSandboxLimits *)ud;
}

static int lsb_panic(lua_State *L) {
    const char *message = lua_tostring(L, -1);
    fprintf(stderr, "selfheal: unprotected Lua error: %s\n", message ? message : "(not a string)");
    return 0; /* Lua aborts after this returns; Swift only calls Lua unprotected where it cannot fail. */
}

lua_State *lsb_newstate(LuaSandboxLimits *limits) {
    lua_State *L = lua_newstate(lsb_alloc, limits);
    if (L == NULL) {
        /* What it allocated before failing went back to the allocator's lists. */
        lsb_release_cached(limits);
        return NULL;
    }
    lua_atpanic(L, lsb_panic);
    return L;
}

void lsb_close(lua_State *L) {
    LuaSandboxLimits *limits = limits_of(L);
    lua_close(L);
    lsb_release_cached(limits);
}

static void lsb_hook(lua_State *L, lua_Debug *ar);

/* Once a bound is passed, the hook fires on every instruction, so a script that catches the
 * error with pcall is stopped again at once instead of getting a fresh budget. */
static void stop(lua_State *L, LuaSandboxLimits *limits, int why) {
    if (limits->stopped == LSB_STOP_NONE) {
        limits->stopped = why;
    }
    lua_sethook(L, lsb_hook, LUA_MASKCOUNT, 1);
    if (limits->stopped == LSB_STOP_WALL_CLOCK) {
        luaL_error(L, "wall-clock limit exceeded");
    }
    if (limits->stopped == LSB_STOP_LIBRARY_STEPS) {
        luaL_error(L, "string-library step budget exceeded");
    }
    luaL_error(L, "instruction budget exceeded");
}

static void lsb_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    LuaSandboxLimits *limits = limits_of(L);
    if (limits->stopped != LSB_STOP_NONE) {
        stop(L, limits, limits->stopped);
    }
    limits->instructions_left -= LSB_HOOK_STRIDE;
    if (limits->deadline_ns != 0 && lsb_now_ns() >= limits->deadline_ns) {
        stop(L, limits, LSB_STOP_WALL_CLOCK);
    }
    if (limits->instructions_left <= 0) {
        stop(L, limits, LSB_STOP_INSTRUCTIONS);
    }
}

void lsb_arm(lua_State *L, int64_t instructions, int64_t c_steps, uint64_t wall_ns) {
    LuaSandboxLimits *limits = limits_of(L);
    limits->stopped = LSB_STOP_NONE;
    limits->instructions_left = instructions;
    limits->c_steps_left = c_steps;
    limits->deadline_ns = wall_ns == 0 ? 0 : lsb_now_ns() + wall_ns;
    limits->clock_countdown = LSB_CLOCK_STRIDE;
    int stride = instructions < LSB_HOOK_STRIDE ? (int)(instructions > 0 ? instructions : 1) : LSB_HOOK_STRIDE;
    lua_sethook(L, lsb_hook, LUA_MASKCOUNT, stride);
}

void lsb_disarm(lua_State *L) {
    lua_sethook(L, NULL, 0, 0);
}

void lsb_charge(lua_State *L, int64_t steps) {
    LuaSandboxLimits *limits = limits_of(L);
    limits->c_steps_left -= steps;
    if (limits->c_steps_left < 0) {
        stop(L, limits, LSB_STOP_LIBRARY_STEPS);
    }
    limits->clock_countdown -= steps;
    if (limits->clock_countdown <= 0) {
        limits->clock_countdown = LSB_CLOCK_STRIDE;
        if (limits->deadline_ns != 0 && lsb_now_ns() >= limits->deadline_ns) {
            stop(L, limits, LSB_STOP_WALL_CLOCK);
        }
    }
}

#ifndef SELFHEAL_LUA_ALLOCATOR_H
#define SELFHEAL_LUA_ALLOCATOR_H

#include "lua_sandbox.h"

/* The state's allocator (lua_Alloc): `ud` is its LuaSandboxLimits. */
void *lsb_alloc(void *ud, void *ptr, size_t osize, size_t nsize);

/* Frees the blocks the allocator keeps for reuse in `limits`' lists: once the state is closed. */
void lsb_release_cached(LuaSandboxLimits *limits);

#endif

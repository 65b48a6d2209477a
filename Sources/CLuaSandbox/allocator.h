#ifndef SELFHEAL_LUA_ALLOCATOR_H
#define SELFHEAL_LUA_ALLOCATOR_H

#include <stddef.h>

/* The state's allocator (lua_Alloc): `ud` is its LuaSandboxLimits. */
void *lsb_alloc(void *ud, void *ptr, size_t osize, size_t nsize);

#endif

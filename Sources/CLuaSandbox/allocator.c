#include "allocator.h"

#include <stdlib.h>
#include <string.h>

/*
 * The allocator of every sandboxed state: it caps the bytes a state holds (`limit`, moved by
 * Swift around each protected call) and keeps small freed blocks for reuse.
 *
 * Why keep them: a rules pass allocates and frees ~280 small blocks a request (each rule's ctx
 * copy is three tables and their node arrays, then strings and results), and malloc plus free
 * cost ~300 instructions a pair there; taking a block off a list and putting it back costs a
 * few. Blocks of up to LSB_SIZE_CLASSES * LSB_CLASS_BYTES bytes are handed out in classes of
 * LSB_CLASS_BYTES bytes; a freed one goes on its class's list while the lists hold less than
 * LSB_CACHE_LIMIT bytes, and to free() beyond that. lsb_close frees them all with the state.
 *
 * The cap counts the bytes Lua asked for, as before: the rounding up to a class and the
 * blocks kept for reuse are not the state's. Each block whose size (as Lua knows it) is small
 * has room for at least its size's class, so a block freed at any small size can serve its
 * class.
 */

#define LSB_SMALL_LIMIT (LSB_SIZE_CLASSES * LSB_CLASS_BYTES)
#define LSB_CACHE_LIMIT (256 * 1024)

static size_t class_of(size_t size) {
    return (size + LSB_CLASS_BYTES - 1) / LSB_CLASS_BYTES;
}

static int is_small(size_t size) {
    return size > 0 && size <= LSB_SMALL_LIMIT;
}

/* A block with room for `class` * LSB_CLASS_BYTES bytes, or NULL. */
static void *take(LuaSandboxLimits *limits, size_t class) {
    void *block = limits->free_blocks[class];
    if (block != NULL) {
        limits->free_blocks[class] = *(void **)block;
        limits->cached -= class * LSB_CLASS_BYTES;
        return block;
    }
    return malloc(class * LSB_CLASS_BYTES);
}

/* `block`, of `size` bytes as Lua knows it, is no longer used. */
static void give_back(LuaSandboxLimits *limits, void *block, size_t size) {
    if (!is_small(size) || limits->cached >= LSB_CACHE_LIMIT) {
        free(block);
        return;
    }
    size_t class = class_of(size);
    *(void **)block = limits->free_blocks[class];
    limits->free_blocks[class] = block;
    limits->cached += class * LSB_CLASS_BYTES;
}

/* `ptr` (NULL for a new block, else of `old` bytes) with room for `nsize` bytes, its first
 * bytes kept; NULL when no memory could be had (then `ptr` is untouched). */
static void *resize(LuaSandboxLimits *limits, void *ptr, size_t old, size_t nsize) {
    if (ptr == NULL) {
        return is_small(nsize) ? take(limits, class_of(nsize)) : malloc(nsize);
    }
    if (is_small(old) && is_small(nsize) && class_of(nsize) <= class_of(old)) {
        return ptr; /* it has room already */
    }
    if (!is_small(old) && !is_small(nsize)) {
        return realloc(ptr, nsize);
    }
    /* Across classes, or between a class and malloc's own sizes: a new block. */
    void *block = is_small(nsize) ? take(limits, class_of(nsize)) : malloc(nsize);
    if (block == NULL) {
        return NULL;
    }
    memcpy(block, ptr, old < nsize ? old : nsize);
    give_back(limits, ptr, old);
    return block;
}

void *lsb_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    LuaSandboxLimits *limits = (LuaSandboxLimits *)ud;
    /* When ptr is NULL, osize is a type tag, not a size. */
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        if (ptr != NULL) {
            give_back(limits, ptr, old);
        }
        limits->used -= old;
        return NULL;
    }
    if (nsize > old) {
        size_t grow = nsize - old;
        /* Compare against what is left, so the sum can never overflow. */
        if (limits->used > limits->limit || grow > limits->limit - limits->used) {
            return NULL;
        }
    }
    void *block = resize(limits, ptr, old, nsize);
    if (block == NULL) {
        /* Lua assumes a shrink never fails: keep the old, larger block. */
        return nsize <= old ? ptr : NULL;
    }
    limits->used = limits->used - old + nsize;
    return block;
}

void lsb_release_cached(LuaSandboxLimits *limits) {
    for (size_t class = 1; class <= LSB_SIZE_CLASSES; class++) {
        void *block = limits->free_blocks[class];
        while (block != NULL) {
            void *next = *(void **)block;
            free(block);
            block = next;
        }
        limits->free_blocks[class] = NULL;
    }
    limits->cached = 0;
}

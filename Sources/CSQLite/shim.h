#ifndef SELFHEAL_CSQLITE_SHIM_H
#define SELFHEAL_CSQLITE_SHIM_H

#include <sqlite3.h>

/*
 * SQLITE_TRANSIENT is a cast macro Swift cannot import: it tells SQLite to copy a bound value
 * before the call returns, so the caller's buffer may go away at once.
 */
static inline sqlite3_destructor_type shim_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

#endif

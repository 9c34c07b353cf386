/*
** Loading SQLite (sqlite_lib.h).
*/
#define SQLITE_LIB_IMPL
#include "sqlite_lib.h"

#include "lazylib.h"

#ifndef NORM_SQLITE_SONAME
#define NORM_SQLITE_SONAME "libsqlite3.so.0"   /* (the Makefile gives the one built against) */
#endif

LAZYLIB_DEFINE(sqlite_lib_api, SQLITE_LIB_FUNCTIONS, sqlite_lib_load, sqlite_lib, "SQLite", NORM_SQLITE_SONAME,
               "revisjonsloggen", "libsqlite3-0")

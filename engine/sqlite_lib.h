/*
** SQLite, loaded the first time an audit log is opened (lazylib.h). audit.c includes this
** after <sqlite3.h>; from there on, the SQLite names it uses call the loaded library.
** audit_open calls sqlite_lib_load before anything else.
*/
#ifndef NORM_SQLITE_LIB_H
#define NORM_SQLITE_LIB_H

#include <sqlite3.h>
#include <stdbool.h>

#include "lazylib.h"

/* Every SQLite function norm calls. Another one is added here and below. */
#define SQLITE_LIB_FUNCTIONS(X) \
  X(sqlite3_open_v2) X(sqlite3_close) X(sqlite3_busy_timeout) X(sqlite3_extended_result_codes) X(sqlite3_exec) \
  X(sqlite3_prepare_v2) X(sqlite3_step) X(sqlite3_reset) X(sqlite3_clear_bindings) X(sqlite3_finalize) \
  X(sqlite3_bind_text) X(sqlite3_bind_int64) X(sqlite3_bind_blob64) X(sqlite3_column_int64) X(sqlite3_column_bytes) \
  X(sqlite3_column_text) X(sqlite3_column_blob) X(sqlite3_column_type) X(sqlite3_errmsg) X(sqlite3_errcode) \
  X(sqlite3_sleep)

/* sqlite_lib_load(&why) loads SQLite, once per process (any thread may ask): false, with
** *why saying which library and why, when it cannot be loaded. sqlite_lib() is the table
** after that. */
LAZYLIB_DECLARE(sqlite_lib_api, SQLITE_LIB_FUNCTIONS, sqlite_lib_load, sqlite_lib)

#ifndef SQLITE_LIB_IMPL
#define sqlite3_open_v2 (sqlite_lib()->sqlite3_open_v2)
#define sqlite3_close (sqlite_lib()->sqlite3_close)
#define sqlite3_busy_timeout (sqlite_lib()->sqlite3_busy_timeout)
#define sqlite3_extended_result_codes (sqlite_lib()->sqlite3_extended_result_codes)
#define sqlite3_exec (sqlite_lib()->sqlite3_exec)
#define sqlite3_prepare_v2 (sqlite_lib()->sqlite3_prepare_v2)
#define sqlite3_step (sqlite_lib()->sqlite3_step)
#define sqlite3_reset (sqlite_lib()->sqlite3_reset)
#define sqlite3_clear_bindings (sqlite_lib()->sqlite3_clear_bindings)
#define sqlite3_finalize (sqlite_lib()->sqlite3_finalize)
#define sqlite3_bind_text (sqlite_lib()->sqlite3_bind_text)
#define sqlite3_bind_int64 (sqlite_lib()->sqlite3_bind_int64)
#define sqlite3_bind_blob64 (sqlite_lib()->sqlite3_bind_blob64)
#define sqlite3_column_int64 (sqlite_lib()->sqlite3_column_int64)
#define sqlite3_column_bytes (sqlite_lib()->sqlite3_column_bytes)
#define sqlite3_column_text (sqlite_lib()->sqlite3_column_text)
#define sqlite3_column_blob (sqlite_lib()->sqlite3_column_blob)
#define sqlite3_column_type (sqlite_lib()->sqlite3_column_type)
#define sqlite3_errmsg (sqlite_lib()->sqlite3_errmsg)
#define sqlite3_errcode (sqlite_lib()->sqlite3_errcode)
#define sqlite3_sleep (sqlite_lib()->sqlite3_sleep)
#endif

#endif

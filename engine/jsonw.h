/*
** A streaming JSON writer: values are appended to a buf as they are produced, with no
** tree and no allocation beyond the buffer's own growth. Commas and the key/value
** alternation are tracked on a small nesting stack. Output is compact and byte for byte
** what jansson's JSON_COMPACT writes (escapes, reals), so norm-resultat/1 keeps its bytes;
** invalid UTF-8 in a string is written as U+FFFD instead of being dropped.
*/
#ifndef NORM_JSONW_H
#define NORM_JSONW_H

#include "util.h"

#define JW_MAX_DEPTH 128

typedef struct {
  buf *out;
  uint32_t depth;
  bool after_key;                  /* a key was written; its value comes next */
  bool has_items[JW_MAX_DEPTH];    /* per open level: an item was written, so a comma precedes the next */
} jsonw;

void jw_init(jsonw *w, buf *out);
void jw_obj(jsonw *w);
void jw_obj_end(jsonw *w);
void jw_arr(jsonw *w);
void jw_arr_end(jsonw *w);
void jw_key(jsonw *w, const char *key);
void jw_keyn(jsonw *w, const char *key, size_t n);
void jw_str(jsonw *w, const char *s);                  /* NULL writes null */
void jw_strn(jsonw *w, const char *s, size_t n);
void jw_null(jsonw *w);
void jw_bool(jsonw *w, bool b);
void jw_int(jsonw *w, long long n);
void jw_real(jsonw *w, double d);
/* A value already written as JSON text (trusted: the caller made it). */
void jw_raw(jsonw *w, const char *json, size_t n);

/* Shorthands for "key": value. */
static inline void jw_kstr(jsonw *w, const char *k, const char *s) { jw_key(w, k); jw_str(w, s); }
static inline void jw_kint(jsonw *w, const char *k, long long n) { jw_key(w, k); jw_int(w, n); }
static inline void jw_kbool(jsonw *w, const char *k, bool b) { jw_key(w, k); jw_bool(w, b); }

/* Appends s[0..n) escaped as a JSON string, quotes included. */
void jw_escape(buf *out, const char *s, size_t n);

#endif

/*
** A streaming JSON writer: values are appended to a buf as they are produced, with no
** tree and no allocation beyond the buffer's own growth. Commas and the key/value
** alternation are tracked on a small nesting stack. Output is compact and byte for byte
** what jansson's JSON_COMPACT writes (escapes, reals), so norm-resultat/1 keeps its bytes;
** invalid UTF-8 in a string is written as U+FFFD instead of being dropped.
*/
#ifndef NORM_JSONW_H
#define NORM_JSONW_H

#include <assert.h>
#include <string.h>

#include "util.h"
#include "value.h"

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
void jw_keyn(jsonw *w, const char *key, size_t n);              /* any key: escaped as needed */
/* A key that is a string literal of plain ASCII (the writer's own names): quotes and colon
** are part of the literal, so it is written in one copy with nothing scanned. A literal
** that is not plain is caught in the sanitizer builds of the tests. */
#define jw_key(w, k) jw_lit_key((w), "\"" k "\":", sizeof "\"" k "\":" - 1)
static inline void jw_lit_key(jsonw *w, const char *quoted, size_t n);
void jw_str(jsonw *w, const char *s);                  /* NULL writes null */
void jw_strn(jsonw *w, const char *s, size_t n);
/* s[0..n), known to need no escaping (jw_plain), as a JSON string. */
void jw_strn_plain(jsonw *w, const char *s, size_t n);
/* A string whose plain flag says whether it needs escaping (a program's strings do not). */
void jw_nstr(jsonw *w, const nstr *s);
/* A date as JSON ("2024-05-15"), formatted in place. */
void jw_date(jsonw *w, int32_t days);
void jw_null(jsonw *w);
void jw_bool(jsonw *w, bool b);
void jw_int(jsonw *w, long long n);
void jw_real(jsonw *w, double d);
/* A value already written as JSON text (trusted: the caller made it); inline, below. */
static inline void jw_raw(jsonw *w, const char *json, size_t n);
/* A piece made before with a writer of its own (trusted, as jw_raw): members ("key":value,
** comma-separated) of the object that is open; with JW_OPENS, the object's opening brace
** first (the object stays open for more); with JW_AT_KEY, a key and its colon last, its
** value to be written next. */
enum { JW_OPENS = 1, JW_AT_KEY = 2 };
void jw_piece(jsonw *w, const char *json, size_t n, unsigned how);

/* Shorthands for "key": value. */
#define jw_kstr(w, k, s) (jw_key(w, k), jw_str(w, s))
#define jw_kint(w, k, n) (jw_key(w, k), jw_int(w, n))
#define jw_kbool(w, k, b) (jw_key(w, k), jw_bool(w, b))

/* Appends s[0..n) escaped as a JSON string, quotes included. */
void jw_escape(buf *out, const char *s, size_t n);
/* Whether s[0..n) goes into JSON as it is: valid UTF-8 without quote, backslash or control
** characters (nstr.plain). */
bool jw_plain(const char *s, size_t n);

/* ---- inline: what every item does, and the writer's own keys ---- */

/* Before any value or key: 1 when a comma separates it from the previous item, else 0
** (jw_put_item writes it). */
static inline size_t jw_item(jsonw *w)
{
  if (w->after_key) {
    w->after_key = false;
    return 0;
  }
  size_t comma = w->has_items[w->depth];
  w->has_items[w->depth] = true;
  return comma;
}

/* The comma (when `comma` is 1) and n bytes, with one check for room and one NUL: every
** item goes out this way, so that a small one costs little more than its copy. */
static inline void jw_put_item(jsonw *w, size_t comma, const void *p, size_t n)
{
  buf *b = w->out;
  if (b->len + n + 1 >= b->cap) buf_reserve(b, n + 1);
  char *d = b->data + b->len;
  d[0] = ',';                                /* (overwritten when there is no comma) */
  memcpy(d + comma, p, n);
  b->len += comma + n;
  b->data[b->len] = 0;
}

static inline void jw_raw(jsonw *w, const char *json, size_t n) { jw_put_item(w, jw_item(w), json, n); }

static inline void jw_lit_key(jsonw *w, const char *quoted, size_t n)
{
#ifdef NORM_ASAN
  assert(n >= 3 && jw_plain(quoted + 1, n - 3));
#endif
  jw_put_item(w, jw_item(w), quoted, n);
  w->after_key = true;
}

#endif

/*
** The case loader's JSON parser: simdjson's DOM behind a small C interface, so that the
** loader (engine/case.c) is the only C code that knows a parser, and this file the only
** C++. A parser is reused from case to case (no allocation once it has grown); values are
** 16-byte handles into its last document, valid until the next parse or jsd_free.
*/
#ifndef NORM_JSON_SIMD_H
#define NORM_JSON_SIMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jsd_parser jsd_parser;
typedef struct { const void *doc; size_t index; } jsd_val;       /* a simdjson dom::element */
typedef struct { const char *key; size_t len; jsd_val val; } jsd_member;

typedef enum { JSD_NULL, JSD_BOOL, JSD_INT, JSD_UINT, JSD_REAL, JSD_STR, JSD_ARR, JSD_OBJ } jsd_kind;

jsd_parser *jsd_new(void);                       /* NULL when out of memory */
void jsd_free(jsd_parser *p);

/* The parsed document as simdjson lays it out, its "tape" (simdjson's doc/tape.md, the
** same since simdjson 0.4): one 64-bit word per value, or two for a number, with the kind
** in the top byte ('{' '}' '[' ']' '"' 'l' 'u' 'd' 't' 'f' 'n' 'r'). The root value is word
** 1. An array or object word holds, in its low 32 bits, the index of the word after its
** end, and in the next 24 its count (0xFFFFFF: that many or more). A string word holds an
** offset into `strings`, where a 32-bit length comes first, then the bytes. An object's
** words are key, value, key, value … The loader reads it without a call per value; the
** readers below are the only code that knows the layout, and test_case checks them
** against simdjson's own API on every kind of value. */
typedef struct {
  const uint64_t *tape;
  const uint8_t *strings;
  const void *doc;           /* for jsd_at */
} jsd_doc;

/* Parses s[0..n) into *doc (valid until the next parse or jsd_free): JSD_OK; JSD_NOMEM
** when there was not memory for it (the document may well be valid); JSD_INVALID for
** anything else simdjson refuses (the caller asks a slower parser for the words to say
** why). */
typedef enum { JSD_OK, JSD_INVALID, JSD_NOMEM } jsd_status;
jsd_status jsd_parse(jsd_parser *p, const char *s, size_t n, jsd_doc *doc);

#define JSD_ROOT 1

static inline unsigned jsd_tag(const jsd_doc *d, size_t i) { return (unsigned)(d->tape[i] >> 56); }

/* The word after the value at i (for an object's member: at its value). */
static inline size_t jsd_after(const jsd_doc *d, size_t i)
{
  switch (jsd_tag(d, i)) {
  case '[': case '{': return (uint32_t)d->tape[i];
  case 'l': case 'u': case 'd': return i + 2;
  default: return i + 1;
  }
}

/* The string at i ('"'): its bytes, not NUL-terminated. */
static inline const char *jsd_text(const jsd_doc *d, size_t i, uint32_t *len)
{
  const uint8_t *at = d->strings + (d->tape[i] & 0x00FFFFFFFFFFFFFFull);
  memcpy(len, at, sizeof *len);
  return (const char *)at + sizeof *len;
}

/* The number at i ('l', 'u' or 'd') as a double, as simdjson's get_double gives it. */
static inline double jsd_number(const jsd_doc *d, size_t i)
{
  uint64_t w = d->tape[i + 1];
  switch (jsd_tag(d, i)) {
  case 'l': { int64_t x; memcpy(&x, &w, sizeof x); return (double)x; }
  case 'u': return (double)w;
  default: { double x; memcpy(&x, &w, sizeof x); return x; }
  }
}

/* The items of the array or members of the object at i. */
static inline size_t jsd_count(const jsd_doc *d, size_t i)
{
  size_t n = (size_t)(d->tape[i] >> 32) & 0xFFFFFF, end = (uint32_t)d->tape[i] - 1;
  if (n < 0xFFFFFF) return n;
  n = 0;
  for (size_t j = i + 1; j < end; j = jsd_after(d, jsd_tag(d, i) == '{' ? j + 1 : j)) n++;
  return n;
}

/* The value at i as a handle for the functions below. */
static inline jsd_val jsd_at(const jsd_doc *d, size_t i)
{
  jsd_val v = { d->doc, i };
  return v;
}

jsd_kind jsd_type(jsd_val v);
bool jsd_bool(jsd_val v);
int64_t jsd_int(jsd_val v);                      /* JSD_INT */
double jsd_num(jsd_val v);                       /* JSD_INT, JSD_UINT or JSD_REAL */
const char *jsd_str(jsd_val v, size_t *len);     /* JSD_STR: not NUL-terminated */
size_t jsd_len(jsd_val v);                       /* items of JSD_ARR, members of JSD_OBJ */
/* Fills out[0..jsd_len(v)) with the items of an array or the members of an object, in
** document order. */
void jsd_items(jsd_val v, jsd_val *out);
void jsd_members(jsd_val v, jsd_member *out);

#ifdef __cplusplus
}
#endif

#endif

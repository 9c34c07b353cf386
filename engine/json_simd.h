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

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jsd_parser jsd_parser;
typedef struct { const void *doc; size_t index; } jsd_val;       /* a simdjson dom::element */
typedef struct { const char *key; size_t len; jsd_val val; } jsd_member;

typedef enum { JSD_NULL, JSD_BOOL, JSD_INT, JSD_UINT, JSD_REAL, JSD_STR, JSD_ARR, JSD_OBJ } jsd_kind;

jsd_parser *jsd_new(void);                       /* NULL when out of memory */
void jsd_free(jsd_parser *p);

/* Parses s[0..n): JSD_OK with the root in *root; JSD_NOMEM when there was not memory for
** it (the document may well be valid); JSD_INVALID for anything else simdjson refuses (the
** caller asks a slower parser for the words to say why). */
typedef enum { JSD_OK, JSD_INVALID, JSD_NOMEM } jsd_status;
jsd_status jsd_parse(jsd_parser *p, const char *s, size_t n, jsd_val *root);

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

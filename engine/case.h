/*
** Case files: JSON in, the engine's compact representation out. This is the one place
** that knows the JSON library; the VM reads only records and lists in slots the
** compiler assigned. Validation is against the program's schema; each error names the
** JSON path. A case owns an arena; everything it returns lives until case_free.
*/
#ifndef NORM_CASE_H
#define NORM_CASE_H

#include "bytecode.h"

#define CASE_MAX_BYTES (16u << 20)
#define CASE_MAX_DEPTH 64
#define CASE_MAX_ERRORS 20

typedef struct {
  char *key;
  char *json;                /* compact JSON text of the value */
} case_extra;

typedef struct {
  arena mem;
  const bc_program *p;
  nrec *root;
  uint32_t nfacts;           /* fields of all records: nrec.fact is below this */
  const char *sak_id;        /* NULL when absent */
  bool has_date;
  int32_t date;              /* vurderingsdato in the file */
  VEC(case_extra) extras;    /* keys the schema does not name, kept as written */
} ncase;

/* Loads one case. On failure returns false and appends one line per error
** ("sti: melding") to errors; the case is then empty but must still be freed. */
bool case_load(const bc_program *p, const char *json, size_t len, ncase *c, buf *errors);
/* The same, and when it succeeds also the case's checksum for the audit log (hex SHA-256
** of its canonical JSON, as audit_case_digest makes it) from the document already parsed. */
bool case_load_digest(const bc_program *p, const char *json, size_t len, ncase *c, buf *errors, char digest[65]);
void case_free(ncase *c);

/* A JSON parser's error code (jansson's json_error_code) in bokmål; fallback when unknown.
** The parser's own English text never reaches a person. */
const char *case_json_error(int code, const char *fallback);

/* The JSON path of field f of record r, e.g. tiltak[0].start. */
void case_path(const bc_program *p, const nrec *r, uint32_t f, buf *out);

#endif

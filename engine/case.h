/*
** Case files: JSON in, the engine's compact representation out. This is the one place
** that knows the JSON parsers (simdjson, through json_simd.h; jansson for error words); the VM reads only records and lists in slots the
** compiler assigned. Validation is against the program's schema; each error names the
** JSON path. A case owns an arena; everything it returns lives until case_free.
*/
#ifndef NORM_CASE_H
#define NORM_CASE_H

#include "bytecode.h"

#define CASE_MAX_BYTES NORM_MAX_CASE_BYTES
/* The reason a case could not be read for want of memory (not judged; try again). */
#define CASE_NO_MEMORY "ikke nok minne til å lese saksmappen; den er ikke vurdert"
#define CASE_MAX_DEPTH 64
#define CASE_MAX_ERRORS 20

typedef struct {
  arena mem;
  const bc_program *p;
  nrec *root;
  uint32_t nfacts;           /* fields of all records: nrec.fact is below this */
  const char *sak_id;        /* NULL when absent */
  bool has_date;
  int32_t date;              /* vurderingsdato in the file */
} ncase;

/* A reader holds the parser and its buffers, and what it has worked out about one rule
** set's schema; one per thread and rule set, reused from case to case. p must outlive it. */
typedef struct case_reader case_reader;
case_reader *case_reader_new(const bc_program *p);   /* NULL when out of memory */
void case_reader_free(case_reader *rd);

/* Loads one case. On failure returns false and appends one line per error
** ("sti: melding") to errors; the case is then empty but must still be freed. With
** digest, a case that loads also gets its checksum for the audit log (hex SHA-256 of its
** canonical JSON, the same as audit_case_digest), from the document already parsed. */
bool case_read(case_reader *rd, const char *json, size_t len, ncase *c, buf *errors, char digest[65]);
/* case_read with a reader of its own, for one case. */
bool case_load(const bc_program *p, const char *json, size_t len, ncase *c, buf *errors);
void case_free(ncase *c);
/* case_free, keeping the case's memory for rd's next case (one chunk) */
void case_recycle(case_reader *rd, ncase *c);

/* A JSON parser's error code (jansson's json_error_code) in bokmål; fallback when unknown.
** The parser's own English text never reaches a person. */
const char *case_json_error(int code, const char *fallback);

/* The JSON path of field f of record r, e.g. tiltak[0].start. */
void case_path(const bc_program *p, const nrec *r, uint32_t f, buf *out);
/* The same, alone, as a string in the arena a. */
const char *case_path_in(const bc_program *p, const nrec *r, uint32_t f, arena *a);

#endif

/*
** `norm check --audit FILE.db`: one audit record per evaluated case, committed in chunks.
** The report for a case is held back until its chunk is committed, so every result norm
** prints has its record on disk; a crash loses only results that were never shown.
*/
#ifndef NORM_AUDIT_WRITER_H
#define NORM_AUDIT_WRITER_H

#include <stdio.h>

#include "util.h"
#include "bytecode.h"

#define AW_CHUNK 64                          /* records per transaction */

typedef struct audit_writer audit_writer;

/* Opens (creating) the database and stores the rule set's .normc image in it. The
** caller appends each case's report to aw_out(w); it reaches standard output when its
** chunk is committed. NULL with a message on stderr on failure. */
audit_writer *aw_open(const char *path, const bc_program *p, const buf *image, const char *operator_name,
                      bool store_case);
buf *aw_out(audit_writer *w);

/* One judged case as the audit log records it, made by whoever judged it: the case as
** read, its result as written (norm-resultat/1) and their checksums. */
typedef struct {
  const char *name;          /* for messages */
  const char *text;
  size_t len;
  const char *json;
  size_t json_len;
  const char *findings;      /* audit_findings_json */
  const char *sak_id;        /* NULL when the case has none */
  int32_t date;
  const char *case_digest, *result_digest;
} aw_case;

/* Appends the record of one evaluated case. On failure the message is printed and false
** returned: the run must stop, nothing more is recorded. */
bool aw_record(audit_writer *w, const aw_case *c);

/* Commits what is pending and prints the held reports; then, at close, says on stderr how
** many records were written. Both return false when the commit failed. */
bool aw_flush(audit_writer *w);
bool aw_close(audit_writer *w);

#endif

/*
** Output of `norm check`: the JSON result format norm-resultat/1 (resultat-1.md) and
** the text report for people. Both read a result while its case is still loaded.
*/
#ifndef NORM_REPORT_H
#define NORM_REPORT_H

#include <stdio.h>

#include "eval.h"

/* Appends one result to out as a single line of JSON (no newline). */
void report_json(const result *r, buf *out);

/* What writing many results of one rule set needs each time, kept from case to case: the
** rule set's fixed pieces of JSON, escaped the first time they are written, and the
** explainer's working space. One per thread; the bytes are report_json's. */
typedef struct json_reporter json_reporter;
json_reporter *json_reporter_new(const bc_program *p);
void json_reporter_free(json_reporter *j);
void report_json_with(json_reporter *j, const result *r, buf *out);
/* Appends the compact form (norm-kompakt/1, docs/kompakt.md): the findings that call for
** action and the summary, one line, no newline. */
void report_compact(const result *r, buf *out);

typedef struct {
  bool color;
  bool all;                  /* also list oppfylt and ikke_aktuell findings */
  bool trace;                /* --spor: the whole trace (begrunnelse) under each finding too */
} text_opts;

void report_text(const result *r, FILE *out, const text_opts *o);
/* The same, appended to out (out of memory is raised, util.h: never half a report). */
void report_text_buf(const result *r, const text_opts *o, buf *out);

/* A trace value as people read it (dates dd.mm.åååå, "mangler" for missing). */
void report_value_text(const bc_program *p, value v, buf *b);

#endif

/*
** Rule tests (`norm test`): the .normtest format, running tests against a compiled rule
** set, and coverage of rules and conditions. The format is documented in docs/tester.md.
**
**   grunnlag oms "grunnlag/oms.json"        a named base case (file, or {…} inline)
**   dato 2024-10-01                         default assessment date for the tests below
**   test "Varighet under seks måneder"
**     sak oms                               base: a name, a "file.json" or {…} inline
**     dato 2024-10-01                       optional
**     sett tiltak[T1].planlagt_slutt = "2024-08-15"
**     fjern barn.fodselsdato
**     legg_til dokumentasjon = {"type": "avviksbegrunnelse", "gjelder": "OMS-VARIGHET", "tekst": "…"}
**     forvent OMS-VARIGHET T1 avvik "3 måneder"
**
** A test passes when every `forvent` names a finding (rule, item or none, status) that
** the rule set gives, and the finding's message contains the text when one is given.
*/
#ifndef NORM_RULETEST_H
#define NORM_RULETEST_H

#include <stdio.h>

#include "bytecode.h"

typedef struct rt_suite rt_suite;

/* Parses one .normtest file into the suite. Problems are printed to err as
** "file:line: melding"; returns false when any were found (the file's tests are dropped). */
rt_suite *rt_suite_new(const bc_program *p, const char *src_dir);   /* src_dir: the rule folder, or NULL */
bool rt_suite_add_file(rt_suite *s, const char *path, FILE *err);
void rt_suite_free(rt_suite *s);

typedef struct {
  size_t passed, failed;
  bool coverage_complete;    /* every rule tested in every required outcome, every own condition sann and usann */
  char *gaps;                /* with coverage: one line per missing outcome or condition (caller frees) */
} rt_summary;

/* Runs every test, printing failures to out; with `coverage`, then the coverage report. */
rt_summary rt_suite_run(rt_suite *s, FILE *out, bool coverage, bool verbose);

/* The rule ids the suite's tests expect something of (for lint); valid until freed. */
bool rt_suite_mentions(const rt_suite *s, const char *rule_id);

#endif

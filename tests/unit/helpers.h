/*
** Helpers shared by the unit tests: compile rule text through the real pipeline
** (stdlib + parse + compile + serialize + verify), load cases, evaluate.
*/
#ifndef NORM_TEST_HELPERS_H
#define NORM_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bcfile.h"
#include "case.h"
#include "eval.h"
#include "frontend.h"
#include "date.h"

#include <stdlib.h>

/* Built with AddressSanitizer: address-space limits (ulimit -v) do not apply. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* Compiles `src` as a rule file named `name`; returns the .normc bytes in *bytes (or
** the printed diagnostics in *diags when it fails). */
bool th_compile(const char *name, const char *src, buf *bytes, buf *diags);
/* Compiles `prefix` + `body` as `name`, expects failure, returns the diagnostics. Caller frees. */
char *th_errors(const char *name, const char *prefix, const char *body);
/* Compiles and loads; fails the test on errors. */
void th_program(const char *src, bc_program *p);
/* Evaluates a case (JSON text) and returns the status name of finding `index` of rule `id`. */
const char *th_status(const bc_program *p, const char *json, const char *date, const char *id, size_t index);
/* A minimal saksmappe with extra top-level members spliced in (e.g. "\"barn\": {…}"). */
char *th_case(const char *members);

/* Runs the shell command made from fmt (stderr with stdout); it must exit with `want`,
** else the test fails showing the output. Returns the output (caller frees). */
char *th_runf(int want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A whole file, or the test fails naming it (caller frees). */
char *th_slurp(const char *path);
/* The case in the file at path, loaded for p into *c (case_free), or the test fails with
** what the loader said. */
void th_load_case(const bc_program *p, const char *path, ncase *c);

int th_date_tests(void);
int th_lexparse_tests(void);
int th_compile_tests(void);
int th_verify_tests(void);
int th_vm_tests(void);
int th_case_tests(void);
int th_golden_tests(void);
int th_quality_tests(void);
int th_format_tests(void);
int th_audit_tests(void);
int th_audit_thread_tests(void);
int th_graph_tests(void);
int th_explain_tests(void);
int th_jsonw_tests(void);
int th_batch_tests(void);
int th_limits_tests(void);
int th_oom_tests(void);
int th_sign_tests(void);
int th_serve_tests(void);
int th_api_tests(void);

/* The test process's one drawer (Graphviz context), made on first use and freed at exit:
** Graphviz 2.42 keeps a pointer into its first context's font table, so a second context,
** made after the first is freed, reads freed memory. */
struct norm_drawer *th_drawer(void);

/* A fixture for tests of the library: the shipped rules, a judge, the drawer and the example
** case (examples/saksmappe-eksempel.json). */
typedef struct {
  struct norm_rules *rules;
  struct norm_judge *judge;
  struct norm_drawer *drawer;
  char *json;
  size_t len;
} th_judging;
int th_judging_setup(void **state);
int th_judging_teardown(void **state);

/* The norm binary under test ($NORM), and running a shell command: its exit status,
** with stdout and stderr together in *out (caller frees). */
const char *th_norm(void);
/* Whether Chromium is there for a browser test (installed when missing and this machine
** allows it); when not, says why, and the test skips. */
bool th_chromium(void);
int th_run(const char *cmd, char **out);
int th_rules_tests(void);

#endif

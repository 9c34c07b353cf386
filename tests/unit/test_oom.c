/*
** Out of memory is an error, never a result (issue 14, item 5), in the style of SQLite's
** OOM loop: for every n, the n-th allocation fails (oom_fail_after), until a run makes
** fewer than n. Each run must end in a clean «not enough memory» (NORM_ERR_MEMORY) or in
** the whole, right answer; the same judge must then give the right answer again (nothing
** half done is left in it); and, under AddressSanitizer, nothing may leak.
**
** To find the allocation whose failure leaks: NORM_OOM_EACH=1 checks for leaks after every
** run (under ASan) and names its number; NORM_TEST_VERBOSE=1 prints how many were tried.
*/
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "helpers.h"
#include "norm.h"

#ifdef UNDER_ASAN
#include <sanitizer/lsan_interface.h>
#endif

typedef th_judging fixture;

static char *judged(fixture *fx, const norm_options *o, norm_status *st)
{
  norm_result res;
  norm_error err;
  *st = norm_judge_case(fx->judge, fx->json, fx->len, o, &res, &err);
  return *st == NORM_OK ? strndup(res.text, res.len) : strdup(err.message);
}

/* Every allocation of judging the example, in format f, fails once. Returns the number
** of runs that were cut short. */
static unsigned long every_failure_with(fixture *fx, norm_format f, norm_audit *audit)
{
  norm_options o = { .date = "2024-10-01", .format = f, .audit = audit, .drawer = fx->drawer };
  norm_status st;
  char *want = judged(fx, &o, &st);
  assert_int_equal(st, NORM_OK);
  unsigned long cut = 0;
  for (unsigned long n = 1;; n++) {
    /* a judge of its own: one that has judged keeps memory for the next case (arenas are
    ** recycled), and the allocations of a first case are to be tried too */
    norm_judge_free(fx->judge);
    fx->judge = norm_judge_new(fx->rules);
    assert_non_null(fx->judge);
    oom_fail_after(n);
    char *got = judged(fx, &o, &st);
    bool reached = oom_fail_after(0) == 0;
    if (!reached) {                               /* the run needs fewer than n allocations */
      assert_int_equal(st, NORM_OK);
      assert_string_equal(got, want);
      free(got);
      break;
    }
    if (st != NORM_ERR_MEMORY) fail_msg("format %d, allocation %lu failed: status %d, not NORM_ERR_MEMORY", f, n, st);
#ifdef UNDER_ASAN
    if (getenv("NORM_OOM_EACH") && __lsan_do_recoverable_leak_check()) fail_msg("format %d: allocation %lu: leak", f, n);
#endif
    /* «… til å vurdere saken; den er ikke vurdert», or «… til å lagre vurderingen i
    ** revisjonsloggen; den er ikke gitt» */
    if (strncmp(got, "ikke nok minne til å ", strlen("ikke nok minne til å ")))
      fail_msg("format %d, allocation %lu failed: «%s»", f, n, got);
    free(got);
    cut++;
    /* the judge is whole: the next case (here the same) is judged as before */
    got = judged(fx, &o, &st);
    if (st != NORM_OK || strcmp(got, want)) fail_msg("format %d: after allocation %lu failed, the judge gives another answer", f, n);
    free(got);
  }
#ifdef UNDER_ASAN
  if (__lsan_do_recoverable_leak_check()) fail_msg("format %d: memory leaked when an allocation failed", f);
#endif
  free(want);
  if (getenv("NORM_TEST_VERBOSE")) fprintf(stderr, "format %d: %lu allocations, each failed once\n", f, cut);
  return cut;
}

static unsigned long every_failure(fixture *fx, norm_format f) { return every_failure_with(fx, f, NULL); }

/* judging and reporting the example with a new judge allocate (90 times for json and 74
** for text when this was written, the judge's caches made on first use included; a judge
** that has judged before reuses its arenas' chunks), and each of those was tried */
static void test_judging_json(void **state)
{
  unsigned long cut = every_failure(*state, NORM_FORMAT_JSON);
  assert_true(cut > 60);
}

/* the compact form allocates little (the case's arena, the result's lists: 20 in all with a
** new judge when this was written), and each of those was tried */
static void test_judging_compact(void **state) { assert_true(every_failure(*state, NORM_FORMAT_COMPACT) > 10); }
static void test_judging_text(void **state) { assert_true(every_failure(*state, NORM_FORMAT_TEXT) > 50); }
static void test_judging_html(void **state) { assert_true(every_failure(*state, NORM_FORMAT_HTML) > 100); }

/* With an audit log: a decision cut short leaves no record; every one answered has its
** record, and the chain verifies. */
static void test_judging_with_audit(void **state)
{
  const char *path = "build/q-oom/logg.db";
  free(th_runf(0, "rm -rf build/q-oom && mkdir -p build/q-oom"));
  norm_audit *audit;
  norm_error err;
  assert_int_equal(norm_audit_open(path, "oom", &audit, &err), NORM_OK);
  unsigned long cut = every_failure_with(*state, NORM_FORMAT_COMPACT, audit);
  norm_audit_close(audit);
  assert_true(cut > 20);                /* more than without the log: the record is made too */
  char *why = NULL;
  audit_db *db = audit_open(path, false, &why);
  assert_non_null(db);
  audit_check chk;
  assert_true(audit_verify(db, &chk) && chk.ok);
  /* the answer before the loop, one after each cut, and the last run */
  assert_int_equal(chk.count, (int64_t)cut + 2);
  free(chk.why);
  audit_close(db);
}

/* The way norm check uses the library: a text report appended to the caller's buffer, the
** case kept for one HTML document and a diagram, and the decision's record added to the log
** and committed by the caller. NORM_OK with all of it in *out, or the first failure. */
static norm_status check_path(fixture *fx, norm_audit *audit, char **out)
{
  *out = NULL;
  norm_buffer b = { 0 };
  norm_options o = { .date = "2024-10-01", .format = NORM_FORMAT_TEXT, .audit = audit, .audit_later = true,
                     .into = &b, .keep = true };
  norm_result res;
  norm_error err;
  norm_status st = norm_judge_case(fx->judge, fx->json, fx->len, &o, &res, &err);
  norm_html *h = NULL;
  norm_graph_options g = { .detailed = true };
  if (st == NORM_OK) st = (h = norm_html_begin(fx->drawer)) ? NORM_OK : NORM_ERR_MEMORY;
  if (st == NORM_OK) st = norm_html_add(h, fx->judge, &err);
  if (st == NORM_OK) {
    st = norm_html_end(h, &b, &err);
    h = NULL;
  }
  norm_html_free(h);
  if (st == NORM_OK) st = norm_judge_draw(fx->judge, fx->drawer, &g, "build/q-oom/sak.dot", &err);
  long long seq = 0;
  if (st == NORM_OK) {
    st = norm_audit_add(audit, res.record, &seq, &err);
    res.record = NULL;
  }
  norm_record_free(res.record);
  if (st == NORM_OK) st = norm_audit_commit(audit, &err);
  if (st == NORM_OK) *out = strndup(b.data, b.len);
  norm_buffer_free(&b);
  return st;
}

/* Every allocation on that path fails once (each run with a log of its own, since a log that
** fails takes nothing more): a clean NORM_ERR_MEMORY, or the whole report and a record. */
static void test_the_way_norm_check_judges(void **state)
{
  fixture *fx = *state;
  free(th_runf(0, "rm -rf build/q-oom && mkdir -p build/q-oom"));
  norm_audit *audit;
  norm_error err;
  assert_int_equal(norm_audit_open("build/q-oom/forst.db", "oom", &audit, &err), NORM_OK);
  char *want;
  assert_int_equal(check_path(fx, audit, &want), NORM_OK);
  norm_audit_close(audit);
  assert_non_null(strstr(want, "<!DOCTYPE html>"));
  unsigned long cut = 0;
  for (unsigned long n = 1;; n++) {
    char path[64], *got;
    snprintf(path, sizeof path, "build/q-oom/%lu.db", n);
    assert_int_equal(norm_audit_open(path, "oom", &audit, &err), NORM_OK);
    oom_fail_after(n);
    norm_status st = check_path(fx, audit, &got);
    bool reached = oom_fail_after(0) == 0;
    norm_audit_close(audit);
    char *why = NULL;
    audit_db *db = audit_open(path, false, &why);
    assert_non_null(db);
    audit_check chk;
    assert_true(audit_verify(db, &chk) && chk.ok);
    free(chk.why);
    audit_close(db);
    remove(path);
    if (!reached) {
      assert_int_equal(st, NORM_OK);
      assert_string_equal(got, want);
      assert_int_equal(chk.count, 1);
      free(got);
      break;
    }
    if (st != NORM_ERR_MEMORY) fail_msg("allocation %lu failed: status %d, not NORM_ERR_MEMORY", n, st);
    assert_null(got);
#ifdef UNDER_ASAN
    if (getenv("NORM_OOM_EACH") && __lsan_do_recoverable_leak_check()) fail_msg("allocation %lu: leak", n);
#endif
    cut++;
  }
#ifdef UNDER_ASAN
  if (__lsan_do_recoverable_leak_check()) fail_msg("memory leaked when an allocation failed");
#endif
  free(want);
  if (getenv("NORM_TEST_VERBOSE")) fprintf(stderr, "norm check's way: %lu allocations, each failed once\n", cut);
  assert_true(cut > 100);
}

/* Every `stride`-th allocation of loading the rule set at path fails once; the others
** load it with the same digest. Returns the number of loads cut short. */
static unsigned long every_load_failure(const char *path, unsigned long stride)
{
  norm_rules *r;
  norm_error err;
  assert_int_equal(norm_rules_load(path, &r, &err), NORM_OK);
  char *digest = strdup(norm_rules_digest(r));
  norm_rules_free(r);
  unsigned long cut = 0;
  for (unsigned long n = 1;; n += stride) {
    oom_fail_after(n);
    r = NULL;
    norm_status st = norm_rules_load(path, &r, &err);
    bool reached = oom_fail_after(0) == 0;
    if (!reached) {
      assert_int_equal(st, NORM_OK);
      assert_string_equal(norm_rules_digest(r), digest);
      norm_rules_free(r);
      break;
    }
    if (st != NORM_ERR_MEMORY) fail_msg("%s, allocation %lu failed: status %d: %s", path, n, st, err.message);
#ifdef UNDER_ASAN
    if (getenv("NORM_OOM_EACH") && __lsan_do_recoverable_leak_check()) fail_msg("%s: allocation %lu: leak", path, n);
#endif
    assert_null(r);
    assert_string_equal(err.message, "ikke nok minne til å lese regelsettet");
    cut++;
  }
#ifdef UNDER_ASAN
  if (__lsan_do_recoverable_leak_check()) fail_msg("%s: memory leaked when an allocation failed", path);
#endif
  free(digest);
  if (getenv("NORM_TEST_VERBOSE")) fprintf(stderr, "%s: %lu allocations failed\n", path, cut);
  return cut;
}

/* The shipped rules, with the standard library: every allocation of compiling, verifying
** and describing them fails once (NORM_OOM_STRIDE=k tries every k-th, for a quick look). */
static void test_compiling_the_shipped_rules(void **state)
{
  (void)state;
  const char *s = getenv("NORM_OOM_STRIDE");
  unsigned long stride = s && atol(s) > 0 ? (unsigned long)atol(s) : 1;
  assert_true(every_load_failure("rules", stride) * stride > 5000);
}

int th_oom_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_judging_json, th_judging_setup, th_judging_teardown),
    cmocka_unit_test_setup_teardown(test_judging_compact, th_judging_setup, th_judging_teardown),
    cmocka_unit_test_setup_teardown(test_judging_text, th_judging_setup, th_judging_teardown),
    cmocka_unit_test_setup_teardown(test_judging_html, th_judging_setup, th_judging_teardown),
    cmocka_unit_test_setup_teardown(test_judging_with_audit, th_judging_setup, th_judging_teardown),
    cmocka_unit_test_setup_teardown(test_the_way_norm_check_judges, th_judging_setup, th_judging_teardown),
    cmocka_unit_test(test_compiling_the_shipped_rules),
  };
  return cmocka_run_group_tests_name("tom for minne", tests, NULL, NULL);
}

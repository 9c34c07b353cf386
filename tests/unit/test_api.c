/*
** The library's interface (include/norm.h) as norm check uses it: reports appended to the
** caller's buffer, every problem of a case, a kept case rendered again and put into one HTML
** document, and audit records added in the caller's order.
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "helpers.h"
#include "norm.h"

typedef th_judging fixture;

/* The report of the example in format f, as the judge keeps it in its own buffer. */
static char *report(fixture *fx, norm_format f)
{
  norm_options o = { .date = "2024-10-01", .format = f };
  norm_result res;
  norm_error err;
  assert_int_equal(norm_judge_case(fx->judge, fx->json, fx->len, &o, &res, &err), NORM_OK);
  return strndup(res.text, res.len);
}

/* options.into appends after what the buffer holds, and res.text points at the report in it;
** a case that fails leaves the buffer as it was. */
static void test_report_appended_to_the_callers_buffer(void **state)
{
  fixture *fx = *state;
  char *want = report(fx, NORM_FORMAT_JSON);
  norm_buffer b = { 0 };
  for (const char *s = "for|"; *s; s++) {
    if (b.len + 2 > b.cap) {
      b.cap = 64;
      b.data = realloc(b.data, b.cap);
    }
    b.data[b.len++] = *s;
    b.data[b.len] = 0;
  }
  norm_options o = { .date = "2024-10-01", .format = NORM_FORMAT_JSON, .into = &b };
  norm_result res;
  norm_error err;
  assert_int_equal(norm_judge_case(fx->judge, fx->json, fx->len, &o, &res, &err), NORM_OK);
  assert_int_equal(b.len, 4 + strlen(want));
  assert_memory_equal(b.data, "for|", 4);
  assert_string_equal(b.data + 4, want);
  assert_ptr_equal(res.text, b.data + 4);
  size_t len = b.len;
  assert_int_equal(norm_judge_case(fx->judge, "{\"format\": 3}", 13, &o, &res, &err), NORM_ERR_CASE);
  assert_int_equal(b.len, len);
  assert_string_equal(b.data + 4, want);
  norm_buffer_free(&b);
  free(want);
}

/* s with every `from` replaced by `to` (malloc'd). */
static char *replaced(const char *s, const char *from, const char *to)
{
  size_t nf = strlen(from), nt = strlen(to), n = 0;
  for (const char *p = strstr(s, from); p; p = strstr(p + nf, from)) n++;
  char *out = malloc(strlen(s) + n * nt + 1), *o = out;
  for (const char *p; (p = strstr(s, from)); s = p + nf) {
    memcpy(o, s, (size_t)(p - s));
    o += p - s;
    memcpy(o, to, nt);
    o += nt;
  }
  strcpy(o, s);
  return out;
}

/* A message and an explanation with the case's own strings in them: the rule set's words
** are known to need no escaping, the case's strings are not, and a quote, a backslash and a
** control character in them come out escaped (the report parses, and says the strings as
** they were). */
static void test_case_strings_in_messages_are_escaped(void **state)
{
  fixture *fx = *state;
  char *a = replaced(fx->json, "\"T1\"", "\"T\\\"1\\\\\\t\"");        /* T"1\<tab> */
  char *json = replaced(a, "barnevernsloven § 3-1", "bvl \\\"§\\\" 3-1\\\\n\\u0001");
  norm_options o = { .date = "2024-10-01", .format = NORM_FORMAT_JSON };
  norm_result res;
  norm_error err;
  assert_int_equal(norm_judge_case(fx->judge, json, strlen(json), &o, &res, &err), NORM_OK);
  json_error_t je;
  json_t *doc = json_loadb(res.text, res.len, 0, &je);
  assert_non_null(doc);
  size_t i, k, seen_id = 0, seen_hjemmel = 0, seen_line = 0;
  json_t *f, *line;
  json_array_foreach(json_object_get(doc, "funn"), i, f) {
    const char *m = json_string_value(json_object_get(f, "melding"));
    assert_non_null(m);
    if (strstr(m, "Tiltak T\"1\\\t ")) seen_id++;
    if (strstr(m, "har hjemmel «bvl \"§\" 3-1\\n\x01»")) seen_hjemmel++;
    json_array_foreach(json_object_get(f, "forklaring"), k, line)    /* and in an explanation */
      if (strstr(json_string_value(json_object_get(line, "tekst")), "Tiltak T\"1\\\t ")) seen_line++;
  }
  assert_true(seen_id >= 2);
  assert_int_equal(seen_hjemmel, 1);
  assert_true(seen_line >= 1);
  json_decref(doc);
  free(json);
  free(a);
}

/* A kept case's findings as the caller reads them without parsing a report: the same rules,
** items and statuses, in the same order, as its norm-resultat/1; the date it was judged by. */
static void test_findings_of_a_kept_case(void **state)
{
  fixture *fx = *state;
  const norm_finding *fs;
  size_t n;
  norm_error err;
  assert_int_equal(norm_judge_findings(fx->judge, &fs, &n, &err), NORM_ERR_USAGE);   /* nothing kept */
  norm_options o = { .format = NORM_FORMAT_JSON, .keep = true };
  norm_result res;
  assert_int_equal(norm_judge_case(fx->judge, fx->json, fx->len, &o, &res, &err), NORM_OK);
  assert_string_equal(res.date, "2024-10-01");                 /* the case's own */
  char *json = strndup(res.text, res.len);
  assert_int_equal(norm_judge_findings(fx->judge, &fs, &n, &err), NORM_OK);
  size_t counts[7] = { 0 }, total = 0;
  for (size_t i = 0; i < 7; i++) total += res.counts[i];
  assert_int_equal(n, total);
  const char *at = json;
  for (size_t i = 0; i < n; i++) {
    counts[fs[i].status]++;
    char want[512];
    snprintf(want, sizeof want, "{\"regel\":\"%s\",", fs[i].rule);
    at = strstr(at, want);
    if (!at) fail_msg("funn %zu (%s) står ikke i resultatet, eller ikke i samme rekkefølge", i, fs[i].rule);
    const char *next = strstr(at + 1, "{\"regel\":");
    const char *status = strstr(at, "\"status\":\"");
    assert_non_null(status);
    assert_true(!next || status < next);
    status += strlen("\"status\":\"");
    assert_memory_equal(status, norm_finding_status_name(fs[i].status), strlen(norm_finding_status_name(fs[i].status)));
    assert_int_equal(status[strlen(norm_finding_status_name(fs[i].status))], '"');
    if (fs[i].item) {
      char item[512];
      snprintf(item, sizeof item, "\"gjelder\":\"%s\"", fs[i].item);
      const char *g = strstr(at, item);
      assert_true(g && (!next || g < next));
    }
    at++;
  }
  for (size_t i = 0; i < 7; i++) assert_int_equal(counts[i], res.counts[i]);
  free(json);
  o.date = "2023-01-31";
  o.keep = false;
  assert_int_equal(norm_judge_case(fx->judge, fx->json, fx->len, &o, &res, &err), NORM_OK);
  assert_string_equal(res.date, "2023-01-31");
  assert_int_equal(norm_judge_findings(fx->judge, &fs, &n, &err), NORM_ERR_USAGE);   /* not kept */
  assert_int_equal(n, 0);
  assert_string_equal(norm_finding_status_name(NORM_BEGRUNNET_AVVIK), "begrunnet_avvik");
}

/* norm_error holds the first problem; norm_judge_problems all of them, one per line. */
static void test_every_problem_of_a_case(void **state)
{
  fixture *fx = *state;
  const char *bad = "{\"format\":\"saksmappe/1\",\"sak_id\":\"X\",\"barn\":{\"fodselsdato\":\"i går\"},"
                    "\"tiltak\":[{\"id\":\"T1\",\"type\":\"ukjent-type\",\"start\":\"2024-13-01\"}]}";
  norm_options o = { .format = NORM_FORMAT_JSON };
  norm_result res;
  norm_error err;
  assert_int_equal(norm_judge_case(fx->judge, bad, strlen(bad), &o, &res, &err), NORM_ERR_CASE);
  const char *all = norm_judge_problems(fx->judge);
  assert_non_null(strstr(all, "barn.fodselsdato"));
  assert_non_null(strstr(all, "tiltak[0]"));
  assert_non_null(strchr(all, '\n'));
  assert_string_equal(err.where, "barn.fodselsdato");
  /* a success clears them */
  free(report(fx, NORM_FORMAT_JSON));
  assert_string_equal(norm_judge_problems(fx->judge), "");
}

/* A case judged once with options.keep renders as every format judges it, and not at all
** without keep; a case judged for the compact form renders only compactly. */
static void test_a_kept_case_renders_as_judged(void **state)
{
  fixture *fx = *state;
  norm_format formats[] = { NORM_FORMAT_JSON, NORM_FORMAT_COMPACT, NORM_FORMAT_TEXT };
  char *want[3];
  for (int i = 0; i < 3; i++) want[i] = report(fx, formats[i]);
  norm_options keep = { .date = "2024-10-01", .format = NORM_FORMAT_NONE, .keep = true };
  norm_result res;
  norm_error err;
  assert_int_equal(norm_judge_case(fx->judge, fx->json, fx->len, &keep, &res, &err), NORM_OK);
  assert_int_equal(res.len, 0);
  for (int i = 0; i < 3; i++) {
    norm_buffer b = { 0 };
    norm_options o = { .format = formats[i] };
    assert_int_equal(norm_judge_render(fx->judge, &o, &b, &err), NORM_OK);
    assert_string_equal(b.data, want[i]);
    norm_buffer_free(&b);
  }
  norm_buffer b = { 0 };
  norm_options json = { .format = NORM_FORMAT_JSON };
  keep.format = NORM_FORMAT_COMPACT;
  assert_int_equal(norm_judge_case(fx->judge, fx->json, fx->len, &keep, &res, &err), NORM_OK);
  assert_int_equal(norm_judge_render(fx->judge, &json, &b, &err), NORM_ERR_USAGE);
  keep.keep = false;
  keep.format = NORM_FORMAT_JSON;
  assert_int_equal(norm_judge_case(fx->judge, fx->json, fx->len, &keep, &res, &err), NORM_OK);
  assert_int_equal(norm_judge_render(fx->judge, &json, &b, &err), NORM_ERR_USAGE);
  assert_int_equal(b.len, 0);
  for (int i = 0; i < 3; i++) free(want[i]);
}

/* Two kept cases in one HTML document: an index, and each case's section. */
static void test_one_document_for_several_cases(void **state)
{
  fixture *fx = *state;
  norm_html *h = norm_html_begin(th_drawer());
  assert_non_null(h);
  const char *paths[] = { "examples/saker/01-oms-fullstendig.json", "examples/saksmappe-eksempel.json" };
  norm_options o = { .date = "2024-10-01", .format = NORM_FORMAT_NONE, .keep = true };
  norm_error err;
  for (int i = 0; i < 2; i++) {
    char *json = th_slurp(paths[i]);
    norm_result res;
    assert_int_equal(norm_judge_case(fx->judge, json, strlen(json), &o, &res, &err), NORM_OK);
    assert_int_equal(norm_html_add(h, fx->judge, &err), NORM_OK);
    free(json);
  }
  norm_buffer doc = { 0 };
  assert_int_equal(norm_html_end(h, &doc, &err), NORM_OK);
  assert_non_null(strstr(doc.data, "Vurdering av sakene"));
  assert_non_null(strstr(doc.data, "2024-0193"));
  norm_buffer_free(&doc);
}

/* Records added out of the judges' order go into the chain in the order they are added, and
** only a commit makes them stay: a log closed before its commit holds none of them. */
static void test_records_in_the_callers_order(void **state)
{
  fixture *fx = *state;
  free(th_runf(0, "rm -rf build/q-api && mkdir -p build/q-api"));
  const char *path = "build/q-api/logg.db";
  norm_audit *a;
  norm_error err;
  assert_int_equal(norm_audit_open(path, "api", &a, &err), NORM_OK);
  const char *paths[] = { "examples/saker/01-oms-fullstendig.json", "examples/saksmappe-eksempel.json" };
  norm_record *rec[2];
  norm_options o = { .date = "2024-10-01", .format = NORM_FORMAT_COMPACT, .audit = a, .audit_later = true };
  for (int i = 0; i < 2; i++) {
    char *json = th_slurp(paths[i]);
    norm_result res;
    assert_int_equal(norm_judge_case(fx->judge, json, strlen(json), &o, &res, &err), NORM_OK);
    assert_non_null(res.record);
    assert_int_equal(res.audit_seq, 0);
    rec[i] = res.record;
    free(json);
  }
  long long seq;
  assert_int_equal(norm_audit_add(a, rec[1], &seq, &err), NORM_OK);
  assert_int_equal(seq, 1);
  assert_int_equal(norm_audit_add(a, rec[0], &seq, &err), NORM_OK);
  assert_int_equal(seq, 2);
  assert_int_equal(norm_audit_commit(a, &err), NORM_OK);
  /* one more, never committed */
  norm_result res;
  assert_int_equal(norm_judge_case(fx->judge, fx->json, fx->len, &o, &res, &err), NORM_OK);
  assert_int_equal(norm_audit_add(a, res.record, &seq, &err), NORM_OK);
  assert_int_equal(seq, 3);
  norm_audit_close(a);
  char *out = th_runf(0, "sqlite3 %s \"SELECT seq, sak_id FROM vurdering ORDER BY seq\"", path);
  assert_string_equal(out, "1|2024-0193\n2|EKS-001\n");
  free(out);
  char *why = NULL;
  audit_db *db = audit_open(path, false, &why);
  assert_non_null(db);
  audit_check chk;
  assert_true(audit_verify(db, &chk) && chk.ok);
  assert_int_equal(chk.count, 2);
  free(chk.why);
  audit_close(db);
}

int th_api_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_report_appended_to_the_callers_buffer, th_judging_setup, th_judging_teardown),
    cmocka_unit_test_setup_teardown(test_every_problem_of_a_case, th_judging_setup, th_judging_teardown),
    cmocka_unit_test_setup_teardown(test_a_kept_case_renders_as_judged, th_judging_setup, th_judging_teardown),
    cmocka_unit_test_setup_teardown(test_one_document_for_several_cases, th_judging_setup, th_judging_teardown),
    cmocka_unit_test_setup_teardown(test_records_in_the_callers_order, th_judging_setup, th_judging_teardown),
    cmocka_unit_test_setup_teardown(test_findings_of_a_kept_case, th_judging_setup, th_judging_teardown),
    cmocka_unit_test_setup_teardown(test_case_strings_in_messages_are_escaped, th_judging_setup, th_judging_teardown),
  };
  return cmocka_run_group_tests_name("biblioteket (include/norm.h)", tests, NULL, NULL);
}

/*
** The case loader: every input error names its JSON path; limits; unknown keys kept.
*/
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static bc_program prog;

static int setup(void **state)
{
  (void)state;
  th_program("retningslinje X \"T\"\nregel X-EN krav \"En\"\n  krev sann\n", &prog);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  bc_free(&prog);
  return 0;
}

static char *load_errors(const char *json)
{
  ncase c;
  buf errors;
  buf_init(&errors);
  bool ok = case_load(&prog, json, strlen(json), &c, &errors);
  assert_false(ok);
  case_free(&c);
  return buf_take(&errors);
}

static void test_errors_name_paths(void **state)
{
  (void)state;
  char *e = load_errors("{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"tiltak\": [{\"id\": \"T1\", \"start\": \"15.05.2024\"}]}");
  assert_string_equal(e, "tiltak[0].start: forventet dato (ÅÅÅÅ-MM-DD), fikk \"15.05.2024\"\n");
  free(e);
  e = load_errors("{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"barn\": {\"tolk_behov\": \"ja\"}, \"foreldre\": [{\"id\": \"F1\", \"rolle\": \"onkel\"}]}");
  assert_non_null(strstr(e, "barn.tolk_behov: forventet sann/usann (true eller false), fikk \"ja\"\n"));
  assert_non_null(strstr(e, "foreldre[0].rolle: forventet en av \"mor\", \"far\", \"annen\", fikk \"onkel\"\n"));
  free(e);
  e = load_errors("{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"tiltak\": [{\"id\": \"T1\"}, {\"id\": \"T1\"}],"
                  " \"vedtak\": [{\"id\": \"V1\", \"tiltak\": [\"T9\"]}]}");
  assert_non_null(strstr(e, "tiltak[1].id: id-en \"T1\" er allerede brukt i [0]"));
  assert_non_null(strstr(e, "vedtak[0].tiltak[0]: viser til \"T9\", men det finnes ingen slik id i tiltak"));
  free(e);
}

static void test_format_and_syntax(void **state)
{
  (void)state;
  char *e = load_errors("{\"format\": \"saksmappe/2\", \"sak_id\": \"S\"}");
  assert_string_equal(e, "format: forventet \"saksmappe/1\", fikk \"saksmappe/2\"\n");
  free(e);
  e = load_errors("{\"format\": \"saksmappe/1\",\n \"sak_id\": }");
  assert_non_null(strstr(e, "linje 2, kolonne"));
  free(e);
  e = load_errors("{\"format\": \"saksmappe/1\"}");
  assert_string_equal(e, "sak_id: mangler, men må være med\n");
  free(e);
  e = load_errors("[1, 2]");
  assert_string_equal(e, "(roten): forventet et objekt, fikk en liste\n");
  free(e);
}

static void test_depth_limit_and_unknown_keys(void **state)
{
  (void)state;
  buf deep;
  buf_init(&deep);
  buf_puts(&deep, "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"ekstra\": ");
  for (int i = 0; i < 100; i++) buf_puts(&deep, "[");
  for (int i = 0; i < 100; i++) buf_puts(&deep, "]");
  buf_puts(&deep, "}");
  char *e = load_errors(deep.data);
  assert_non_null(strstr(e, "ekstra: nøstingen er dypere enn"));
  free(e);
  buf_free(&deep);
  const char *ok = "{\"format\": \"saksmappe/1\", \"sak_id\": \"S\", \"fagsystem\": {\"versjon\": 3}}";
  ncase c;
  buf errors;
  buf_init(&errors);
  assert_true(case_load(&prog, ok, strlen(ok), &c, &errors));
  assert_int_equal(c.extras.len, 1);
  assert_string_equal(c.extras.items[0].key, "fagsystem");
  assert_string_equal(c.extras.items[0].json, "{\"versjon\":3}");
  assert_string_equal(c.sak_id, "S");
  case_free(&c);
  buf_free(&errors);
}

int th_case_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_errors_name_paths),
    cmocka_unit_test(test_format_and_syntax),
    cmocka_unit_test(test_depth_limit_and_unknown_keys),
  };
  return cmocka_run_group_tests_name("saksmapper", tests, setup, teardown);
}

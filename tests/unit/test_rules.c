/*
** The shipped rules (rules/) on the catalogue's edge cases: the legal-basis regex of
** OPP-VEDTAK-HJEMMEL, the age of consent in OPP-SAMTYKKE-BARN, and TK-PMTO-BUFETAT's date.
*/
#include <stdio.h>
#include <string.h>

#include "helpers.h"

static bc_program prog;

static int setup(void **state)
{
  (void)state;
  srcset s;
  src_init(&s);
  buf bytes;
  buf_init(&bytes);
  const char *paths[1] = { "rules" };
  bool ok = fe_compile(&s, paths, 1, &bytes);
  if (!ok) diag_print_all(&s, stderr, false);
  src_free(&s);
  char *why = NULL;
  ok = ok && bcf_load((const uint8_t *)bytes.data, bytes.len, &prog, &why);
  buf_free(&bytes);
  return ok ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  bc_free(&prog);
  return 0;
}

static const char *hjemmel(const char *text, bool palegg)
{
  char members[600];
  snprintf(members, sizeof members,
           "\"tiltak\": [{\"id\": \"T1\", \"type\": \"stottekontakt\"}],"
           "\"vedtak\": [{\"id\": \"V1\", \"hjemmel\": \"%s\", \"palegg\": %s, \"tiltak\": [\"T1\"]}]",
           text, palegg ? "true" : "false");
  char *c = th_case(members);
  const char *s = th_status(&prog, c, "2024-10-01", "OPP-VEDTAK-HJEMMEL", 0);
  free(c);
  return s;
}

static void test_vedtak_hjemmel(void **state)
{
  (void)state;
  const char *const met[] = {
    "barnevernsloven § 3-1", "Barnevernsloven §3-1", "bvl. § 3-1", "BVL §3 - 1", "bvl § 3–1",
    "§ 3-1 i barnevernsloven", "Vedtak etter bvl § 3-1 og plan",
  };
  for (size_t i = 0; i < sizeof met / sizeof *met; i++)
    if (strcmp(hjemmel(met[i], false), "oppfylt")) fail_msg("«%s» should be met", met[i]);
  const char *const not_met[] = {
    "§ 3-1", "barnevernsloven § 3-10", "barnevernsloven § 3-4", "bvlx § 3-1", "", "   ",
  };
  for (size_t i = 0; i < sizeof not_met / sizeof *not_met; i++)
    if (strcmp(hjemmel(not_met[i], false), "brudd")) fail_msg("«%s» should not be met", not_met[i]);
  assert_string_equal(hjemmel("barnevernsloven § 3-4", true), "oppfylt");
  assert_string_equal(hjemmel("barnevernsloven § 3-1", true), "brudd");
  /* absent hjemmel: the record test says not met, never unknown */
  char *c = th_case("\"tiltak\": [{\"id\": \"T1\"}], \"vedtak\": [{\"id\": \"V1\", \"palegg\": false}]");
  assert_string_equal(th_status(&prog, c, "2024-10-01", "OPP-VEDTAK-HJEMMEL", 0), "brudd");
  free(c);
}

static void test_samtykke_barn_age(void **state)
{
  (void)state;
  const char *members =
    "\"barn\": {\"fodselsdato\": \"2009-10-01\"},"
    "\"tiltak\": [{\"id\": \"T1\", \"type\": \"stottekontakt\", \"rettet_mot\": \"barn\", \"samtykker\": []}]";
  char *c = th_case(members);
  assert_string_equal(th_status(&prog, c, "2024-09-30", "OPP-SAMTYKKE-BARN", 0), "ikke_aktuell");   /* 14 */
  assert_string_equal(th_status(&prog, c, "2024-10-01", "OPP-SAMTYKKE-BARN", 0), "brudd");          /* 15 today */
  free(c);
  c = th_case("\"tiltak\": [{\"id\": \"T1\", \"rettet_mot\": \"barn\", \"samtykker\": []}]");
  assert_string_equal(th_status(&prog, c, "2024-10-01", "OPP-SAMTYKKE-BARN", 0), "ukjent");         /* age unknown */
  free(c);
  c = th_case("\"barn\": {\"fodselsdato\": \"2008-02-29\"},"
              "\"tiltak\": [{\"id\": \"T1\", \"rettet_mot\": \"barn\", \"samtykker\": [{\"fra\": \"barn\", \"dato\": \"2023-03-01\"}]}]");
  assert_string_equal(th_status(&prog, c, "2023-03-01", "OPP-SAMTYKKE-BARN", 0), "oppfylt");
  assert_string_equal(th_status(&prog, c, "2023-02-28", "OPP-SAMTYKKE-BARN", 0), "ikke_aktuell");
  assert_string_equal(th_status(&prog, c, "2022-12-31", "OPP-SAMTYKKE-BARN", 0), "ikke_aktuell");   /* OPP not in force */
  free(c);
}

static void test_pmto_bufetat(void **state)
{
  (void)state;
  char *c = th_case("\"tiltak\": [{\"id\": \"T1\", \"type\": \"pmto\", \"utforer\": \"bufetat\", \"start\": \"2023-12-31\"},"
                    "{\"id\": \"T2\", \"type\": \"pmto\", \"utforer\": \"bufetat\", \"start\": \"2024-01-01\"},"
                    "{\"id\": \"T3\", \"type\": \"pmto\", \"utforer\": \"kommune\", \"start\": \"2024-01-01\"}]");
  assert_string_equal(th_status(&prog, c, "2024-10-01", "TK-PMTO-BUFETAT", 0), "oppfylt");
  assert_string_equal(th_status(&prog, c, "2024-10-01", "TK-PMTO-BUFETAT", 1), "brudd");
  assert_string_equal(th_status(&prog, c, "2024-10-01", "TK-PMTO-BUFETAT", 2), "(ingen)");
  free(c);
}

int th_rules_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_vedtak_hjemmel),
    cmocka_unit_test(test_samtykke_barn_age),
    cmocka_unit_test(test_pmto_bufetat),
  };
  return cmocka_run_group_tests_name("de leverte reglene", tests, setup, teardown);
}

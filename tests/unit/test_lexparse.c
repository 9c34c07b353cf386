/*
** Lexer and parser: diagnostics with file:line:col, the source line and a caret; several
** syntax errors in one run; UTF-8 columns counted in characters.
*/
#include <string.h>

#include "helpers.h"

static const char *const head =
  "retningslinje X \"Test\"\n"
  "  gjelder_fra 2022-01-01\n";

static char *compile_errors(const char *body) { return th_errors("feil.norm", head, body); }

static void test_syntax_error_points_at_line_and_column(void **state)
{
  (void)state;
  char *d = compile_errors("regel X-EN krav \"En\"\n  krev barn.tolk_behov og og sann\n");
  assert_non_null(strstr(d, "feil.norm:4:27: feil: uventet «og»"));
  assert_non_null(strstr(d, "    4 |   krev barn.tolk_behov og og sann\n"));
  assert_non_null(strstr(d, "      |                           ^^\n"));
  assert_non_null(strstr(d, "(i regel X-EN)"));
  free(d);
}

static void test_several_errors_in_one_run(void **state)
{
  (void)state;
  char *d = compile_errors("regel X-EN krav \"En\"\n  krev = sann\n"
                           "regel X-TO krav \"To\"\n  krev sann og\n  melding \"m\"\n");
  assert_non_null(strstr(d, "feil.norm:4:8:"));
  assert_non_null(strstr(d, "feil.norm:7:"));
  free(d);
}

static void test_columns_count_characters(void **state)
{
  (void)state;
  /* «æøå» are two bytes each in UTF-8 but one column each. */
  char *d = compile_errors("regel X-EN krav \"Én\"\n  krev \"æøå\" = \"å\" og ukjent_navn\n");
  assert_non_null(strstr(d, "feil.norm:4:23: feil: ukjent navn «ukjent_navn»"));
  assert_non_null(strstr(d, "      | " "                      ^^^^^^^^^^^\n"));
  free(d);
}

static void test_lexical_errors(void **state)
{
  (void)state;
  char *d = compile_errors("regel X-EN krav \"En\"\n  krev barn.fodselsdato < 2024-02-30\n");
  assert_non_null(strstr(d, "«2024-02-30» er ikke en gyldig dato"));
  free(d);
  d = compile_errors("regel X-EN krav \"En\n  krev sann\n");
  assert_non_null(strstr(d, "mangler avsluttende anførselstegn"));
  free(d);
  d = compile_errors("regel X-EN krav \"En\"\n  krev sann @\n");
  assert_non_null(strstr(d, "tegnet «@» hører ikke hjemme her"));
  free(d);
}

/* A syntax error inside a type's arguments: reported, and (under LeakSanitizer in make
** test) nothing of the half-read type is leaked. */
static void test_error_in_type_arguments(void **state)
{
  (void)state;
  char *d = compile_errors("post y\n  a: id(tiltak, )\n  b: valg(, \"x\")\n");
  assert_non_null(strstr(d, "uventet «)»; forventet navn eller tekst i anførselstegn"));
  free(d);
}

static void test_rule_without_check(void **state)
{
  (void)state;
  char *d = compile_errors("regel X-EN krav \"En\"\n  sitat \"s\"\n");
  assert_non_null(strstr(d, "regelen X-EN mangler «krev»"));
  free(d);
}

int th_lexparse_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_syntax_error_points_at_line_and_column),
    cmocka_unit_test(test_several_errors_in_one_run),
    cmocka_unit_test(test_columns_count_characters),
    cmocka_unit_test(test_lexical_errors),
    cmocka_unit_test(test_error_in_type_arguments),
    cmocka_unit_test(test_rule_without_check),
  };
  return cmocka_run_group_tests_name("lexer og parser", tests, NULL, NULL);
}

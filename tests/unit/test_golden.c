/*
** Golden tests of the norm command: text and JSON output on the example case, exit
** statuses, refused rule sets, and a bad case that does not stop the others.
** The binary is $NORM (set by the Makefile); golden files are in tests/golden/.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define norm th_norm
#define run th_run

static void golden(const char *args, const char *file, int want_status)
{
  char cmd[1024], *out;
  snprintf(cmd, sizeof cmd, "%s %s", norm(), args);
  int st = run(cmd, &out);
  char path[256];
  snprintf(path, sizeof path, "tests/golden/%s", file);
  if (getenv("NORM_UPDATE_GOLDEN")) {
    FILE *f = fopen(path, "w");
    fputs(out, f);
    fclose(f);
  }
  size_t len;
  const char *err;
  char *want = read_file(path, 1 << 24, &len, &err);
  if (!want) fail_msg("%s: %s", path, err);
  if (strcmp(out, want)) fail_msg("%s differs from the output of «%s»:\n%s", path, cmd, out);
  assert_int_equal(st, want_status);
  free(want);
  free(out);
}

static void test_example_text(void **state)
{
  (void)state;
  golden("check --farge aldri --rules rules examples/saksmappe-eksempel.json", "eksempel.txt", 1);
}

static void test_example_json(void **state)
{
  (void)state;
  golden("check --format json --rules rules examples/saksmappe-eksempel.json", "eksempel.json", 1);
}

static void test_compiled_rules_give_identical_results(void **state)
{
  (void)state;
  char cmd[1024], *a, *b, *c;
  snprintf(cmd, sizeof cmd, "%s compile rules -o build/golden.normc", norm());
  assert_int_equal(run(cmd, &c), 0);
  snprintf(cmd, sizeof cmd, "%s check --format json --rules build/golden.normc examples/saksmappe-eksempel.json", norm());
  assert_int_equal(run(cmd, &a), 1);
  snprintf(cmd, sizeof cmd, "%s check --format json --rules rules examples/saksmappe-eksempel.json", norm());
  assert_int_equal(run(cmd, &b), 1);
  assert_string_equal(a, b);
  free(a);
  free(b);
  free(c);
}

static void test_tampered_rules_exit_2(void **state)
{
  (void)state;
  char cmd[1024], *out;
  snprintf(cmd, sizeof cmd, "%s compile rules -o build/t.normc && printf '\\x01' | dd of=build/t.normc bs=1 seek=300 conv=notrunc status=none"
           " && %s check --rules build/t.normc examples/saksmappe-eksempel.json", norm(), norm());
  assert_int_equal(run(cmd, &out), 2);
  assert_non_null(strstr(out, "sjekksummen (SHA-256) stemmer ikke"));
  free(out);
  snprintf(cmd, sizeof cmd, "head -c 100 build/golden.normc > build/k.normc && %s check --rules build/k.normc examples/saksmappe-eksempel.json", norm());
  assert_int_equal(run(cmd, &out), 2);
  assert_non_null(strstr(out, "avkortet"));
  free(out);
}

static void test_rule_error_exit_2(void **state)
{
  (void)state;
  golden("check --farge aldri --rules tests/golden/feil-regel.norm examples/saksmappe-eksempel.json", "feil-regel.txt", 2);
}

static void test_bad_case_does_not_stop_others(void **state)
{
  (void)state;
  golden("check --format json --rules rules tests/golden/blandet.ndjson", "blandet.txt", 2);
}

static void test_usage(void **state)
{
  (void)state;
  char cmd[1024], *out;
  snprintf(cmd, sizeof cmd, "%s check --format xml x.json", norm());
  assert_int_equal(run(cmd, &out), 2);
  assert_non_null(strstr(out, "--format må være text, json eller html"));
  free(out);
  snprintf(cmd, sizeof cmd, "%s check --help", norm());
  assert_int_equal(run(cmd, &out), 0);
  assert_non_null(strstr(out, "Bruk: norm check"));
  free(out);
  snprintf(cmd, sizeof cmd, "%s --version", norm());
  assert_int_equal(run(cmd, &out), 0);
  assert_non_null(strstr(out, "norm "));
  free(out);
  snprintf(cmd, sizeof cmd, "%s check --rules rules finnes-ikke.json", norm());
  assert_int_equal(run(cmd, &out), 2);
  assert_non_null(strstr(out, "finnes-ikke.json: finnes ikke"));
  free(out);
}

int th_golden_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_example_text),
    cmocka_unit_test(test_example_json),
    cmocka_unit_test(test_compiled_rules_give_identical_results),
    cmocka_unit_test(test_tampered_rules_exit_2),
    cmocka_unit_test(test_rule_error_exit_2),
    cmocka_unit_test(test_bad_case_does_not_stop_others),
    cmocka_unit_test(test_usage),
  };
  return cmocka_run_group_tests_name("kommandoen norm (gylne filer)", tests, NULL, NULL);
}

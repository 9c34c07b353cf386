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
  /* named as norm serve names it (?format=tekst), and as the other commands take it */
  golden("check --farge aldri --format tekst --rules rules examples/saksmappe-eksempel.json", "eksempel.txt", 1);
  free(th_runf(0, "%s diff --format tekst rules rules examples/saker > /dev/null && "
               "%s audit show --format tekst build/finnes-ikke.db 2>&1 | grep -q 'finnes ikke'", norm(), norm()));
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

/* The digest a result names: the value of "sha256" in its first line. */
static char *result_digest(const char *rules_arg, const char *cd)
{
  char *out = th_runf(1, "N=$(pwd)/%s; cd %s && $N check --format json --rules %s $OLDPWD/examples/saksmappe-eksempel.json",
                      norm(), cd, rules_arg);
  const char *at = strstr(out, "\"sha256\":\"");
  assert_non_null(at);
  char *d = xstrndup(at + 10, 64);
  free(out);
  return d;
}

/* One identity per rule-set version: however the folder is spelled, from wherever, and
** equal to what compile prints, what the .normc's payload hashes to and what version says. */
static void test_one_identity_for_one_rule_set(void **state)
{
  (void)state;
  char *want = result_digest("rules", ".");
  const char *spellings[][2] = { { "rules/", "." }, { "./rules", "." }, { "$OLDPWD/rules", "/tmp" }, { ".", "rules" },
                                 { "../rules", "build" } };
  for (size_t i = 0; i < sizeof spellings / sizeof *spellings; i++) {
    char *got = result_digest(spellings[i][0], spellings[i][1]);
    if (strcmp(got, want)) fail_msg("--rules %s (fra %s) ga %s, ikke %s", spellings[i][0], spellings[i][1], got, want);
    free(got);
  }
  char *out = th_runf(0, "%s compile ./rules/ -o build/id.normc 2>&1 && tail -c +53 build/id.normc | sha256sum && "
                      "%s version --rules build/id.normc", norm(), norm());
  char line[128];
  snprintf(line, sizeof line, "regelsettets identitet: %s\n", want);
  assert_non_null(strstr(out, line));
  snprintf(line, sizeof line, "%s  -\n", want);
  assert_non_null(strstr(out, line));
  snprintf(line, sizeof line, "identitet: %s\n", want);
  assert_non_null(strstr(out, line));
  free(out);
  /* a single file is named by its own name, wherever it lies */
  out = th_runf(0, "mkdir -p build/id-a build/id-b/c && printf 'retningslinje X \"T\"\\nregel X-A krav \"a\"\\n  krev sann\\n' > build/id-a/r.norm && "
                "cp build/id-a/r.norm build/id-b/c/r.norm && %s version --rules build/id-a/r.norm && %s version --rules build/id-b/c/r.norm",
                norm(), norm());
  const char *a = strstr(out, "identitet: "), *b = a ? strstr(a + 1, "identitet: ") : NULL;
  assert_non_null(b);
  assert_memory_equal(a, b, 75);
  free(out);
  free(want);
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

/* Case inputs as people give them: a pretty-printed case on standard input, NDJSON on
** standard input, folders searched below the top, and nothing found is an error. */
static void test_case_inputs(void **state)
{
  (void)state;
  char *one = th_runf(1, "%s check --format json --rules rules examples/saksmappe-eksempel.json", norm());
  char *piped = th_runf(1, "cat examples/saksmappe-eksempel.json | %s check --format json --rules rules -", norm());
  assert_string_equal(piped, one);
  free(piped);
  free(one);
  char *out = th_runf(0, "for f in examples/saker/0[1-3]*.json; do tr -d '\\n' < $f; echo; done | "
                      "%s check --format json --rules rules - | wc -l", norm());
  assert_int_equal(atoi(out), 3);
  free(out);
  /* the example folder holds one case and the 47 of saker/; a link back up is walked once */
  out = th_runf(0, "rm -rf build/q-inn && mkdir -p build/q-inn/a/b && cp examples/saker/01*.json build/q-inn/a/b/ && "
                "cp examples/saker/02*.json build/q-inn/ && ln -s .. build/q-inn/a/b/opp && mkfifo build/q-inn/a/r.json");
  free(out);
  out = th_runf(0, "%s check --format json --rules rules examples/ | wc -l", norm());
  assert_int_equal(atoi(out), 48);
  free(out);
  out = th_runf(0, "%s check --format json --rules rules build/q-inn | grep -c EKS-00", norm());
  assert_int_equal(atoi(out), 2);
  free(out);
  out = th_runf(2, "mkdir -p build/q-inn/tom && %s check --rules rules build/q-inn/tom", norm());
  assert_non_null(strstr(out, "build/q-inn/tom: fant ingen saksmapper"));
  free(out);
  /* the JSON parser's English never reaches a person */
  out = th_runf(2, "printf '{\"a\":1}{\"b\":2}' | %s check --rules rules -", norm());
  assert_non_null(strstr(out, "ugyldig JSON (mer tekst etter at JSON-dokumentet er ferdig"));
  assert_null(strstr(out, "expected"));
  free(out);
  /* a line of a batch that is not JSON is named by its line in the file, and only there */
  out = th_runf(2, "printf '{\"format\":\"saksmappe/1\"}\\nikke json\\n' > build/q-inn/to.ndjson && "
                "%s check --rules rules build/q-inn/to.ndjson", norm());
  assert_non_null(strstr(out, "build/q-inn/to.ndjson:1: sak_id: mangler"));
  assert_non_null(strstr(out, "build/q-inn/to.ndjson:2: kolonne 4: ugyldig JSON"));
  assert_null(strstr(out, "linje"));
  free(out);
  out = th_runf(2, "%s check --rules rules - < /dev/null", norm());
  assert_non_null(strstr(out, "standard inn: ingen saksmappe"));
  free(out);
  out = th_runf(2, "%s diff rules rules build/q-inn/tom", norm());
  assert_non_null(strstr(out, "fant ingen saksmapper"));
  free(out);
}

/* Nothing the user did not ask to be written is overwritten, and no input is silently
** dropped or waited for forever. */
static void test_no_silent_loss(void **state)
{
  (void)state;
  free(th_runf(0, "rm -rf build/q-tap && mkdir -p build/q-tap/saker && cp examples/saksmappe-eksempel.json build/q-tap/sak.json && "
                  "cp examples/saker/01*.json build/q-tap/saker/ && mkfifo build/q-tap/fifo && touch build/q-tap/mål.normc && "
                  "ln -s mål.normc build/q-tap/lenke.normc"));
  char *before = th_slurp("build/q-tap/sak.json");
  char *out = th_runf(2, "%s check -o build/q-tap/sak.json build/q-tap/sak.json", norm());
  assert_non_null(strstr(out, "er også en av inndatafilene"));
  free(out);
  char *after = th_slurp("build/q-tap/sak.json");
  assert_string_equal(before, after);                       /* not emptied */
  free(after);
  out = th_runf(2, "%s check -o build/q-tap/saker/ut.json build/q-tap/saker", norm());
  assert_non_null(strstr(out, "ligger i mappen build/q-tap/saker, som leses"));
  free(out);
  /* devices, FIFOs and folders are not files to write; a link is written through, not replaced */
  out = th_runf(2, "%s compile rules -o build/q-tap/fifo", norm());
  assert_non_null(strstr(out, "er ikke en vanlig fil"));
  free(out);
  out = th_runf(2, "%s audit export build/q-tap/x.db --format csv -o build/q-tap/saker", norm());
  assert_non_null(strstr(out, "er en mappe"));
  free(out);
  free(th_runf(0, "%s compile rules -o build/q-tap/lenke.normc && test -L build/q-tap/lenke.normc && test -s build/q-tap/mål.normc", norm()));
  /* a FIFO as case or rule file is refused at once, not waited on */
  out = th_runf(2, "timeout 20 %s check build/q-tap/fifo", norm());
  assert_non_null(strstr(out, "build/q-tap/fifo: er ikke en vanlig fil"));
  free(out);
  out = th_runf(2, "timeout 20 %s check --rules build/q-tap/fifo build/q-tap/sak.json", norm());
  assert_non_null(strstr(out, "er ikke en vanlig fil"));
  free(out);
  /* an empty rule set would call every case clean */
  out = th_runf(2, ": > build/q-tap/tom.norm && %s check --rules build/q-tap/tom.norm build/q-tap/sak.json", norm());
  assert_non_null(strstr(out, "regelsettet har ingen regler"));
  free(out);
  /* every path given to compile is compiled: a broken 70th file is not ignored */
  out = th_runf(2, "mkdir -p build/q-tap/mange && for i in $(seq 1 69); do printf 'retningslinje G%%s \"T\"\\nregel G%%s-A krav \"a\"\\n  krev sann\\n' $i $i > build/q-tap/mange/r$i.norm; done && "
                   "printf 'regel X krav\\n' > build/q-tap/mange/r70.norm && %s compile $(ls build/q-tap/mange/r*.norm) -o build/q-tap/m.normc", norm());
  assert_non_null(strstr(out, "r70.norm"));
  free(out);
  /* a UTF-8 byte-order mark is not part of a case or a rule file */
  char *plain = th_runf(1, "%s check --format json --rules rules build/q-tap/sak.json", norm());
  char *bom = th_runf(1, "printf '\\357\\273\\277' > build/q-tap/bom.json && cat build/q-tap/sak.json >> build/q-tap/bom.json && "
                         "mkdir -p build/q-tap/regler && cp rules/*.norm build/q-tap/regler/ && "
                         "printf '\\357\\273\\277' | cat - rules/oms.norm > build/q-tap/regler/oms.norm && "
                         "%s check --format json --rules build/q-tap/regler build/q-tap/bom.json", norm());
  assert_string_equal(strstr(plain, "\"funn\""), strstr(bom, "\"funn\""));
  free(plain);
  free(bom);
  free(before);
}

static void test_usage(void **state)
{
  (void)state;
  char cmd[1024], *out;
  snprintf(cmd, sizeof cmd, "%s check --format xml x.json", norm());
  assert_int_equal(run(cmd, &out), 2);
  assert_non_null(strstr(out, "--format må være text, json, kompakt eller html"));
  free(out);
  snprintf(cmd, sizeof cmd, "%s check --help", norm());
  assert_int_equal(run(cmd, &out), 0);
  assert_non_null(strstr(out, "Bruk: norm check"));
  free(out);
  /* every subcommand answers --help and -h with its own usage, exit 0 */
  static const char *const cmds[] = { "check", "compile", "disasm", "test", "diff", "doc", "lint", "fmt", "graph",
                                      "audit", "version", "audit verify", "audit show", "audit replay", "audit export" };
  for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
    char want[64];
    snprintf(want, sizeof want, "Bruk: norm %s", cmds[i]);
    char *help = th_runf(0, "%s %s --help", norm(), cmds[i]);
    if (!strstr(help, want)) fail_msg("norm %s --help: %s", cmds[i], help);
    free(help);
    help = th_runf(0, "%s %s -h", norm(), cmds[i]);
    if (!strstr(help, want)) fail_msg("norm %s -h: %s", cmds[i], help);
    free(help);
  }
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
    cmocka_unit_test(test_one_identity_for_one_rule_set),
    cmocka_unit_test(test_tampered_rules_exit_2),
    cmocka_unit_test(test_rule_error_exit_2),
    cmocka_unit_test(test_bad_case_does_not_stop_others),
    cmocka_unit_test(test_case_inputs),
    cmocka_unit_test(test_no_silent_loss),
    cmocka_unit_test(test_usage),
  };
  return cmocka_run_group_tests_name("kommandoen norm (gylne filer)", tests, NULL, NULL);
}

/*
** `norm fmt`: the canonical layout pinned on a golden file, idempotence, comments kept,
** the shipped rules and the stdlib already formatted, and the command as a user runs it
** (a seeded misformatting caught by --check, rewritten in place, a broken file refused
** without stopping the others).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "helpers.h"

/* Formats text; returns the result, or NULL with the diagnostics in *diags. */
static char *format(const char *name, const char *text, char **diags)
{
  srcset src;
  src_init(&src);
  uint32_t f = src_add(&src, name, name, xstrdup(text), strlen(text));
  buf out;
  buf_init(&out);
  bool ok = fmt_file(&src, f, &out);
  char *formatted = NULL;
  if (ok) {
    buf_putc(&out, 0);
    formatted = buf_take(&out);
  } else if (diags) {
    char *mem = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&mem, &len);
    diag_print_all(&src, m, false);
    fclose(m);
    *diags = mem;
  }
  buf_free(&out);
  src_free(&src);
  return formatted;
}

static void test_golden_layout(void **state)
{
  (void)state;
  char *in = th_slurp("tests/golden/fmt-inn.norm"), *want = th_slurp("tests/golden/fmt-ut.norm");
  char *got = format("fmt-inn.norm", in, NULL);
  assert_non_null(got);
  if (getenv("NORM_UPDATE_GOLDEN")) {
    FILE *f = fopen("tests/golden/fmt-ut.norm", "w");
    fputs(got, f);
    fclose(f);
  } else if (strcmp(got, want)) {
    fail_msg("fmt-inn.norm formats differently from fmt-ut.norm:\n%s", got);
  }
  /* Every comment of the input is in the output, in the same order. */
  const char *at = got;
  for (const char *p = strchr(in, '#'); p; p = strchr(p + 1, '#')) {
    size_t n = strcspn(p, "\n");
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
    char *c = xstrndup(p, n);
    const char *found = strstr(at, c);
    if (!found) fail_msg("comment «%s» was lost", c);
    at = found + n;
    free(c);
  }
  free(in);
  free(want);
  free(got);
}

static void test_formatting_twice_changes_nothing(void **state)
{
  (void)state;
  static const char *const files[] = {
    "tests/golden/fmt-inn.norm", "rules/oms.norm", "rules/opp.norm", "rules/tk.norm",
  };
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    char *in = th_slurp(files[i]);
    /* Strip the indentation: the layout must not depend on it. */
    buf squashed;
    buf_init(&squashed);
    bool bol = true;
    for (const char *p = in; *p; p++) {
      if (bol && (*p == ' ' || *p == '\t')) continue;
      bol = *p == '\n';
      buf_putc(&squashed, *p);
    }
    buf_putc(&squashed, 0);
    char *once = format(files[i], in, NULL), *twice = once ? format(files[i], once, NULL) : NULL;
    char *flat = format(files[i], squashed.data, NULL);
    assert_non_null(twice);
    assert_non_null(flat);
    if (strcmp(once, twice)) fail_msg("%s: formatting the formatted text changed it", files[i]);
    if (strcmp(once, flat)) fail_msg("%s: the layout depends on the original indentation:\n%s", files[i], flat);
    free(in);
    free(once);
    free(twice);
    free(flat);
    buf_free(&squashed);
  }
}

static void test_small_cases(void **state)
{
  (void)state;
  static const struct { const char *in, *out; } cases[] = {
    /* CRLF line ends and tabs become LF and spaces; no blank lines at the ends. */
    { "\r\n\r\nparameter\ta = 1\r\n\r\n\r\n\r\nparameter b = 2\r\n\r\n",
      "parameter a = 1\n\nparameter b = 2\n" },
    /* Two clauses on one line are split; a rule gets a blank line above its comments. */
    { "retningslinje G \"g\" utgiver \"u\"\n# om R\nregel R krav \"t\" krev 1 < 2\n",
      "retningslinje G \"g\"\n  utgiver \"u\"\n\n# om R\nregel R krav \"t\"\n  krev 1 < 2\n" },
    /* Binary and unary minus, calls, lists, field access. */
    { "parameter x = - 1 - -2 * f( a . b ,[ 1 ] )\n",
      "parameter x = -1 - -2 * f(a.b, [1])\n" },
    /* A comment at the end of a line stays there. */
    { "parameter a = 1    # en\t \n# to\n",
      "parameter a = 1 # en\n# to\n" },
    /* An empty file stays empty. */
    { "", "" },
    { "\n  # bare en kommentar\n", "# bare en kommentar\n" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *diags = NULL;
    char *got = format("t.norm", cases[i].in, &diags);
    if (!got) fail_msg("case %zu does not format:\n%s", i, diags);
    if (strcmp(got, cases[i].out)) fail_msg("case %zu:\nwant:\n%s\ngot:\n%s", i, cases[i].out, got);
    free(got);
  }
}

static void test_syntax_error_is_not_formatted(void **state)
{
  (void)state;
  char *diags = NULL;
  char *got = format("feil.norm", "parameter a = \nregel R krav \"t\"\n  krev (1 <\n", &diags);
  assert_null(got);
  assert_non_null(diags);
  assert_non_null(strstr(diags, "feil.norm:2:1: feil: uventet «regel»"));
  free(diags);
}

static void test_fmt_command(void **state)
{
  (void)state;
  char cmd[1024], *out;
  /* The shipped rules and the stdlib are formatted. */
  snprintf(cmd, sizeof cmd, "%s fmt --check rules stdlib", th_norm());
  int st = th_run(cmd, &out);
  if (st) fail_msg("the shipped rules are not formatted:\n%s", out);
  free(out);

  /* Seed misformatting: a clause indented 6, doubled spaces, a comment without indent,
  ** and a broken file beside it. */
  assert_int_equal(th_run("rm -rf build/q-fmt && mkdir build/q-fmt && cp rules/oms.norm rules/tk.norm build/q-fmt/ && "
                          "sed -i -e 's/^  krev t.sted = \"hjemme\"$/      krev t.sted  =  \"hjemme\"/' "
                          "-e 's/^  # Varigheten telles/# Varigheten telles/' build/q-fmt/oms.norm && "
                          "printf 'parameter a = (1\\n' > build/q-fmt/zz-feil.norm && "
                          "cp build/q-fmt/oms.norm build/q-fmt/oms.seeded", &out), 0);
  free(out);
  snprintf(cmd, sizeof cmd, "%s fmt --check build/q-fmt", th_norm());
  assert_int_equal(th_run(cmd, &out), 2);
  if (!strstr(out, "build/q-fmt/oms.norm:") || !strstr(out, "ikke formatert"))
    fail_msg("--check did not name oms.norm:\n%s", out);
  assert_null(strstr(out, "build/q-fmt/tk.norm:"));
  assert_non_null(strstr(out, "build/q-fmt/zz-feil.norm:1:17: feil: uventet slutten av filen"));
  assert_non_null(strstr(out, "1 av 3 filer er ikke formatert"));
  free(out);
  assert_int_equal(th_run("cmp build/q-fmt/oms.norm build/q-fmt/oms.seeded", &out), 0);   /* --check wrote nothing */
  free(out);

  /* Without the broken file --check says 1; fmt rewrites oms.norm back to the shipped text. */
  assert_int_equal(th_run("rm build/q-fmt/zz-feil.norm", &out), 0);
  free(out);
  assert_int_equal(th_run(cmd, &out), 1);
  free(out);
  snprintf(cmd, sizeof cmd, "%s fmt build/q-fmt", th_norm());
  assert_int_equal(th_run(cmd, &out), 0);
  assert_string_equal(out, "build/q-fmt/oms.norm: formatert\n");
  free(out);
  assert_int_equal(th_run("cmp rules/oms.norm build/q-fmt/oms.norm", &out), 0);
  free(out);
  snprintf(cmd, sizeof cmd, "%s fmt --check build/q-fmt", th_norm());
  assert_int_equal(th_run(cmd, &out), 0);
  free(out);

  /* Standard in to standard out; unknown option and missing file. */
  snprintf(cmd, sizeof cmd, "%s fmt - < build/q-fmt/oms.seeded | cmp - rules/oms.norm", th_norm());
  assert_int_equal(th_run(cmd, &out), 0);
  free(out);
  snprintf(cmd, sizeof cmd, "%s fmt --skriv rules", th_norm());
  assert_int_equal(th_run(cmd, &out), 2);
  assert_non_null(strstr(out, "ukjent valg «--skriv»"));
  free(out);
  snprintf(cmd, sizeof cmd, "%s fmt build/q-fmt/finnes-ikke.norm", th_norm());
  assert_int_equal(th_run(cmd, &out), 2);
  assert_non_null(strstr(out, "finnes-ikke.norm"));
  free(out);
}

int th_format_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_golden_layout),
    cmocka_unit_test(test_formatting_twice_changes_nothing),
    cmocka_unit_test(test_small_cases),
    cmocka_unit_test(test_syntax_error_is_not_formatted),
    cmocka_unit_test(test_fmt_command),
  };
  return cmocka_run_group_tests_name("norm fmt", tests, NULL, NULL);
}

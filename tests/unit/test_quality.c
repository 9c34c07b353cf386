/*
** The quality-system tools on the shipped rules: `norm test` (pass, failures with
** file:line, coverage, broken test files), `norm diff` (one parameter changed names
** exactly that rule and those cases; text and JSON) and `norm lint` (clean on the shipped
** rules; each kind of seeded mistake reported with file:line:col and a caret). Works on a copy of rules/ in build/.
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "tools/quote.h"

/* A copy of rules/ in build/q-rules with `sed` applied to oms.norm. */
static void copy_rules(const char *sed)
{
  char cmd[1024], *out;
  snprintf(cmd, sizeof cmd, "rm -rf build/q-rules && cp -r rules build/q-rules && sed -i '%s' build/q-rules/oms.norm", sed);
  assert_int_equal(th_run(cmd, &out), 0);
  free(out);
}

static const char *last_line(const char *s)
{
  size_t n = strlen(s);
  while (n && s[n - 1] == '\n') n--;
  while (n && s[n - 1] != '\n') n--;
  return s + n;
}

static void test_shipped_rules_pass_with_full_coverage(void **state)
{
  (void)state;
  char cmd[1024], *out;
  snprintf(cmd, sizeof cmd, "%s test --krev-dekning rules/", th_norm());
  int st = th_run(cmd, &out);
  if (st) fail_msg("%s", out);
  unsigned passed, failed;
  assert_int_equal(sscanf(last_line(out), "%u passed, %u failed", &passed, &failed), 2);
  assert_int_equal(failed, 0);
  assert_true(passed > 150);
  assert_non_null(strstr(out, "Regler testet: 44 av 44 (100 %); med alle påkrevde utfall: 44 av 44 (100 %)"));
  assert_non_null(strstr(out, "Vilkår som har vært både sann og usann:"));
  assert_null(strstr(out, "IKKE TESTET"));
  /* the outcomes start in one column, also after the longest id */
  const char *a = strstr(out, "\n  OMS-PLAN "), *b = strstr(out, "\n  OMS-DOKUMENTER-TILGJENGELIG ");
  assert_non_null(a);
  assert_non_null(b);
  assert_int_equal(strstr(a, " brudd") - a, strstr(b, " brudd") - b);
  free(out);
}

/* --krev-dekning says why it fails, right above the closing line: here without tk.normtest. */
static void test_missing_coverage_is_named_at_the_end(void **state)
{
  (void)state;
  copy_rules("");
  char *out = th_runf(1, "rm build/q-rules/tk.normtest && %s test --krev-dekning build/q-rules", th_norm());
  const char *why = strstr(out, "Dekningen er ikke fullstendig (--krev-dekning), derfor utgangsstatus 1:");
  assert_non_null(why);
  assert_non_null(strstr(why, "\n  TK-MALBART: ingen test forventer "));
  assert_non_null(strstr(why, "\n  build/q-rules/tk.norm:"));
  assert_null(strstr(why, "OMS-"));
  unsigned passed, failed;
  assert_int_equal(sscanf(last_line(out), "%u passed, %u failed", &passed, &failed), 2);
  assert_int_equal(failed, 0);
  free(out);
}

static void test_changed_threshold_fails_the_right_tests(void **state)
{
  (void)state;
  copy_rules("s/parameter min_varighet = 6 måneder/parameter min_varighet = 7 måneder/");
  char cmd[1024], *out;
  snprintf(cmd, sizeof cmd, "%s test build/q-rules", th_norm());
  assert_int_equal(th_run(cmd, &out), 1);
  assert_non_null(strstr(out, "FEIL build/q-rules/oms.normtest:"));
  assert_non_null(strstr(out, "OMS-VARIGHET T1: forventet oppfylt, fikk avvik"));
  assert_non_null(strstr(out, "anbefalt minimum er 7 måneder"));
  /* Every failure names OMS-VARIGHET and nothing else. */
  for (const char *p = strstr(out, ": forventet"); p; p = strstr(p + 1, ": forventet")) {
    const char *bol = p;
    while (bol > out && bol[-1] != '\n') bol--;
    const char *rule = strstr(bol, "OMS-VARIGHET");
    if (!rule || rule > p) fail_msg("a failure that is not about OMS-VARIGHET: %.*s", (int)(p - bol), bol);
  }
  unsigned passed, failed;
  assert_int_equal(sscanf(last_line(out), "%u passed, %u failed", &passed, &failed), 2);
  assert_true(failed >= 3);
  free(out);
}

static void test_broken_test_file_is_named(void **state)
{
  (void)state;
  char cmd[1024], *out;
  assert_int_equal(th_run("rm -rf build/q-bad && cp -r rules build/q-bad && "
                          "printf 'test \"x\"\\n  sak \"testsaker/oms.json\"\\n  forvent OMS-VARIGHT T1 avvik\\n' > build/q-bad/x.normtest && "
                          "printf 'test \"y\"\\n  sak \"testsaker/oms.json\"\\n  sett tiltak[T9].sted = \"senter\"\\n  forvent OMS-STED T1 avvik\\n' > build/q-bad/y.normtest && "
                          "printf 'test \"z\"\\n  sak \"testsaker/oms.json\"\\n  sett tiltak[T1].stad = \"senter\"\\n  forvent OMS-STED T1 avvk\\n' > build/q-bad/z.normtest",
                          &out), 0);
  free(out);
  snprintf(cmd, sizeof cmd, "%s test build/q-bad", th_norm());
  assert_int_equal(th_run(cmd, &out), 2);
  /* file:line:col, the line, and a caret under the word */
  assert_non_null(strstr(out, "build/q-bad/x.normtest:3:11: feil: regelsettet har ingen regel «OMS-VARIGHT»; mente du «OMS-VARIGHET»?\n"
                              "    3 |   forvent OMS-VARIGHT T1 avvik\n"
                              "      |           ^^^^^^^^^^^\n"));
  /* no cascade: the test whose only expectation was wrong is not also said to expect nothing */
  assert_null(strstr(out, "forventer ingenting"));
  assert_non_null(strstr(out, "build/q-bad/y.normtest:3: stien «tiltak[T9].sted»: listen har ikke elementet [T9]"));
  /* a misspelt field is an error in the test file, not a change that does nothing; and the
  ** next line's error is reported in the same run */
  assert_non_null(strstr(out, "build/q-bad/z.normtest:3:8: feil: stien «tiltak[T1].stad»: posten «tiltak» har ikke feltet «stad» – mente du «sted»?"));
  assert_non_null(strstr(out, "build/q-bad/z.normtest:4:23: feil: «avvk» er ikke en status"));
  free(out);
}

static void test_diff_names_exactly_the_changed_rule_and_cases(void **state)
{
  (void)state;
  copy_rules("s/parameter min_varighet = 6 måneder/parameter min_varighet = 7 måneder/");
  char cmd[1024], *out;
  snprintf(cmd, sizeof cmd, "%s diff --format json rules build/q-rules examples/saker", th_norm());
  assert_int_equal(th_run(cmd, &out), 1);
  json_error_t je;
  json_t *d = json_loads(out, 0, &je);
  if (!d) fail_msg("not JSON: %s\n%s", je.text, out);
  assert_string_equal(json_string_value(json_object_get(d, "format")), "norm-diff/1");
  json_t *per = json_object_get(d, "per_regel");
  assert_true(json_array_size(per) >= 1);
  for (size_t i = 0; i < json_array_size(per); i++)
    assert_string_equal(json_string_value(json_object_get(json_array_get(per, i), "regel")), "OMS-VARIGHET");
  /* Exactly the cases whose T1 is planned for at least 6 but under 7 months changed. */
  json_t *cases = json_object_get(d, "saker_endret");
  assert_int_equal(json_array_size(cases), json_integer_value(json_object_get(d, "endrede_saker")));
  size_t changed = json_array_size(cases);
  assert_true(changed > 0);
  for (size_t i = 0; i < changed; i++) {
    json_t *fs = json_object_get(json_array_get(cases, i), "funn");
    assert_int_equal(json_array_size(fs), 1);
    json_t *f = json_array_get(fs, 0);
    assert_string_equal(json_string_value(json_object_get(f, "regel")), "OMS-VARIGHET");
    assert_string_equal(json_string_value(json_object_get(f, "fra")), "oppfylt");
  }
  assert_int_equal(json_array_size(json_object_get(d, "lagt_til")), 0);
  assert_int_equal(json_array_size(json_object_get(d, "fjernet")), 0);
  /* the one rule whose logic changed, and the parameter that changed it */
  json_t *meta = json_object_get(d, "endret_metadata");
  assert_int_equal(json_array_size(meta), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(meta, 0), "regel")), "OMS-VARIGHET");
  assert_true(json_is_true(json_object_get(json_array_get(meta, 0), "logikk")));
  json_t *params = json_object_get(d, "parametere");
  assert_int_equal(json_array_size(params), 1);
  json_t *mv = json_array_get(params, 0);
  assert_string_equal(json_string_value(json_object_get(mv, "navn")), "min_varighet");
  assert_string_equal(json_string_value(json_object_get(mv, "gammel")), "6 måneder");
  assert_string_equal(json_string_value(json_object_get(mv, "ny")), "7 måneder");
  assert_int_equal(json_array_size(json_object_get(mv, "regler")), 1);
  assert_true(json_is_true(json_object_get(d, "kan_endre_funn")));
  json_decref(d);
  free(out);
  /* The same rule set against itself: no differences, exit 0. */
  snprintf(cmd, sizeof cmd, "%s diff rules rules examples/saker", th_norm());
  assert_int_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "saker med endrede funn: 0"));
  free(out);
}

/* A release gate must see every change that can alter a finding, even when no case of the
** corpus shows it, and must not fail on a change of wording alone. */
static void test_diff_reports_every_change(void **state)
{
  (void)state;
  /* 6 → 5 months changes no case of the corpus, but it is a change of logic */
  copy_rules("s/parameter min_varighet = 6 måneder/parameter min_varighet = 5 måneder/");
  char *out = th_runf(1, "%s diff rules build/q-rules examples/saker", th_norm());
  assert_non_null(strstr(out, "saker med endrede funn: 0"));
  assert_non_null(strstr(out, "Parametere endret:\n  min_varighet: 6 måneder → 5 måneder (brukes av OMS-VARIGHET)\n"));
  assert_non_null(strstr(out, "Regler med endret logikk (kan gi andre funn):\n  OMS-VARIGHET: melding, parameteren min_varighet\n"));
  free(out);
  /* a title alone: reported, exit 0 */
  copy_rules("s/^regel OMS-PLAN krav \"Tiltaksplan med mål/regel OMS-PLAN krav \"Tiltaksplanen med mål/");
  out = th_runf(0, "%s diff rules build/q-rules examples/saker", th_norm());
  assert_non_null(strstr(out, "Regler med endrede tekster (gir ingen andre funn):\n  OMS-PLAN: tittel\n"));
  assert_null(strstr(out, "endret logikk"));
  free(out);
  /* a definition, a parameter of another file, guideline metadata; and a corpus that never
  ** reaches the changed TK rules is warned about */
  copy_rules("s/^  sist_oppdatert 2024-07-04/  sist_oppdatert 2025-01-01/");
  free(th_runf(0, "sed -i 's/parameter mst_min_alder = 12/parameter mst_min_alder = 13/; "
                  "s/^  alder(barn.fodselsdato) >= fra og alder(barn.fodselsdato) <= til/"
                  "  alder(barn.fodselsdato) > fra og alder(barn.fodselsdato) <= til/' build/q-rules/tk.norm"));
  out = th_runf(1, "%s diff rules build/q-rules examples/saker/01-oms-fullstendig.json", th_norm());
  assert_non_null(strstr(out, "  mst_min_alder: 12 → 13 (brukes av TK-MST-ALDER)\n"));
  assert_non_null(strstr(out, "Definisjoner endret:\n  alder_mellom: alder_mellom(fra, til) = alder(barn.fodselsdato) >= fra"));
  assert_non_null(strstr(out, "(brukes av TK-MST-ALDER, TK-FFT-ALDER, TK-PMTO-ALDER, TK-ETTERVERN)"));
  assert_non_null(strstr(out, "Retningslinjer endret:\n  OMS: sist oppdatert 04.07.2024 → 01.01.2025\n"));
  assert_non_null(strstr(out, "  TK-MST-ALDER: melding, parameteren mst_min_alder, definisjonen alder_mellom\n"));
  assert_non_null(strstr(out, "ADVARSEL: TK-MST-ALDER er endret, men korpuset (1 sak) prøver den ikke: den er ikke aktuell i saken;"));
  assert_null(strstr(out, "ADVARSEL: OMS"));
  free(out);
  /* compiled on one side: the logic is still compared */
  out = th_runf(1, "%s compile build/q-rules -o build/q-rules.normc 2>/dev/null && %s diff rules build/q-rules.normc examples/saker/01-oms-fullstendig.json",
                th_norm(), th_norm());
  assert_non_null(strstr(out, "sammenlignes bare fra kildene"));
  assert_non_null(strstr(out, "  TK-MST-ALDER: "));
  free(out);
}

static void test_diff_reports_rules_added_removed_and_changed(void **state)
{
  (void)state;
  copy_rules("s/^regel OMS-STED bør/regel OMS-STED krav/; s/^regel OMS-VIDEO kan/regel OMS-VIDEO-NY kan/");
  char cmd[1024], *out;
  snprintf(cmd, sizeof cmd, "%s diff rules build/q-rules examples/saker/01-oms-fullstendig.json examples/saker/07-oms-senter.json", th_norm());
  assert_int_equal(th_run(cmd, &out), 1);
  assert_non_null(strstr(out, "Regler lagt til:\n  OMS-VIDEO-NY"));
  assert_non_null(strstr(out, "Regler fjernet:\n  OMS-VIDEO –"));
  assert_non_null(strstr(out, "  OMS-STED: styrke"));
  assert_non_null(strstr(out, "OMS-STED: 1 sak avvik → brudd"));
  assert_non_null(strstr(out, "OMS-VIDEO T1: oppfylt → ikke noe funn"));
  free(out);
}

static const char seeded[] =
  "\nparameter ubrukt = 5\n"
  "definisjon aldri_brukt(x) = x > 1\n"
  "\n"
  "regel TK-NY bør \"Ny regel uten sitat, kilder, test eller dokumentasjonspunkt\"\n"
  "  for hvert t i tiltak der 1 > 2\n"
  "  krev t.start = t.start eller sann\n"
  "\n"
  "regel TK-NY2 krav \"Per tiltak, men avgrenset av saken\"\n"
  "  for hvert t i tiltak\n"
  "  når alder(barn.fodselsdato) >= 15\n"
  "  krev skrevet(t.start)\n"
  "\n"
  "parameter grense = 5\n"
  "regel TK-NY3 krav \"Et vilkår som bare leser en parameter\"\n"
  "  krev grense > 3\n"
  "\n"
  "definisjon stille(t) = t.sted = \"hjemme\"\n"
  "regel TK-NY4 krav \"Bruker en definisjon uten tekst\"\n"
  "  for hvert t i tiltak\n"
  "  krev stille(t)\n";

static void test_lint_catches_each_seeded_mistake(void **state)
{
  (void)state;
  char cmd[1024], *out;
  snprintf(cmd, sizeof cmd, "%s lint rules", th_norm());
  int st = th_run(cmd, &out);
  if (st) fail_msg("the shipped rules are not lint-clean:\n%s", out);
  free(out);
  assert_int_equal(th_run("rm -rf build/q-lint && cp -r rules build/q-lint", &out), 0);
  free(out);
  FILE *f = fopen("build/q-lint/tk.norm", "a");
  assert_non_null(f);
  fputs(seeded, f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "%s lint build/q-lint", th_norm());
  assert_int_equal(th_run(cmd, &out), 1);
  static const char *const want[] = {
    "advarsel: regelen TK-NY har ingen kilder",
    "advarsel: regelen TK-NY siterer ikke retningslinjen",
    "advarsel: bør-regelen TK-NY har ikke noe dokumentasjonspunkt",
    "advarsel: regelen TK-NY har ingen test",
    "advarsel: vilkåret i «der» er alltid usant",
    "advarsel: vilkåret i «krev» er alltid sant",
    "advarsel: parameteren «ubrukt» brukes ikke",
    "advarsel: definisjonen «aldri_brukt» brukes ikke",
    "advarsel: «når» i regelen TK-NY2 gjelder hele saken, ikke det enkelte «t»",
    "advarsel: definisjonen «stille» (brukt av TK-NY4) har ingen tekst som sier hva den betyr",
    "|                            ^^^^^",            /* the caret under 1 > 2 */
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++)
    if (!strstr(out, want[i])) fail_msg("lint did not report «%s»:\n%s", want[i], out);
  /* constant folding goes through the parameter, as semantic analysis resolved it */
  assert_non_null(strstr(out, "vilkåret i «krev» er alltid sant, uansett sak\n"));
  const char *fold = strstr(out, "|   krev grense > 3\n");
  assert_non_null(fold);
  assert_non_null(strstr(fold, "^^^^^^^^^^"));
  assert_non_null(strstr(out, "build/q-lint/tk.norm:"));
  free(out);
  /* Never in force and duplicate ids are refused already by the compiler, with a caret. */
  assert_int_equal(th_run("rm -rf build/q-lint && cp -r rules build/q-lint && "
                          "printf 'regel TK-MALBART krav \"x\"\\n  krev sann\\n' >> build/q-lint/tk.norm", &out), 0);
  free(out);
  assert_int_equal(th_run(cmd, &out), 2);
  assert_non_null(strstr(out, "regel-id-en TK-MALBART er allerede brukt"));
  free(out);
}

/* Quotes against their source: layout does not count, wording and order do. */
static void test_quotes_are_checked_against_the_source(void **state)
{
  (void)state;
  static const char doc[] = "Dere bør snakke med foreldrene om\n\n  • hva barna har behov for\n  • foreldres motivasjon\n\n"
                            "TrinnHvorfor\n6. Fatt vedtak om hjelpetiltakRettslig gyldighet og klageinformasjon\n";
  buf why;
  buf_init(&why);
  assert_true(quote_in_text(doc, strlen(doc), "Dere bør snakke med foreldrene om • hva barna har behov for • foreldres motivasjon", &why));
  assert_true(quote_in_text(doc, strlen(doc), "6. Fatt vedtak om hjelpetiltak | Rettslig gyldighet", &why));
  assert_true(quote_in_text(doc, strlen(doc), "Dere bør […] foreldres motivasjon", &why));
  assert_false(quote_in_text(doc, strlen(doc), "foreldres motivasjon […] Dere bør", &why));       /* order */
  buf_reset(&why);
  assert_false(quote_in_text(doc, strlen(doc), "Dere bør snakke med foreldrene om hva barna har behov for, foreldres motivasjon", &why));
  assert_string_equal(why.data, "teksten stemmer til «…med foreldrene om hva barna har behov», men fortsetter ikke med «for,»");
  buf_free(&why);
  /* the command: a guideline naming its document, one quote that is verbatim, one that is not */
  char *out = th_runf(1, "rm -rf build/q-sitat && mkdir -p build/q-sitat/kilder && printf '%%s' '%s' > build/q-sitat/kilder/d.txt && "
                      "printf 'retningslinje X \"T\"\\n  dokument \"d.txt\"\\n\\nregel X-A krav \"a\"\\n"
                      "  sitat \"Dere bør snakke med foreldrene om • hva barna har behov for\"\\n  kilder \"k\"\\n  krev sann\\n\\n"
                      "regel X-B krav \"b\"\\n  sitat \"Fatt vedtak om hjelpetiltak: Rettslig gyldighet\"\\n  kilder \"k\"\\n  krev sann\\n'"
                      " > build/q-sitat/x.norm && %s lint --kilder build/q-sitat/kilder build/q-sitat/x.norm", doc, th_norm());
  assert_non_null(strstr(out, "build/q-sitat/x.norm:10:9: advarsel: sitatet i X-B står ikke ordrett i d.txt: teksten stemmer til "
                              "«Fatt vedtak om», men fortsetter ikke med «hjelpetiltak:»"));
  assert_null(strstr(out, "sitatet i X-A"));
  free(out);
  out = th_runf(2, "%s lint --kilder build/q-sitat/ingen rules", th_norm());
  assert_non_null(strstr(out, "--kilder: «build/q-sitat/ingen» er ikke en mappe"));
  free(out);
}

/* norm doc lists what each rule reaches, as semantic analysis recorded it: parameters
** (also through definitions and the message) and the facts it reads. */
static void test_doc_lists_what_a_rule_reaches(void **state)
{
  (void)state;
  char *out = th_runf(0, "%s doc rules", th_norm());
  const char *r = strstr(out, "### OMS-VARIGHET");
  assert_non_null(r);
  const char *next = strstr(r + 1, "### ");
  assert_non_null(next);
  const char *p = strstr(r, "- **Parametere:** `min_varighet` = `6 måneder`\n");
  assert_true(p && p < next);
  const char *f = strstr(r, "- **Opplysninger fra saksmappen:** ");
  assert_true(f && f < next);
  assert_true(strstr(f, "`tiltak[].planlagt_slutt`") < next);
  assert_true(strstr(f, "`tiltak[].start`") < next);
  /* a parameter in a regex argument counts too */
  r = strstr(out, "### OPP-VEDTAK-HJEMMEL");
  assert_non_null(r);
  assert_true(strstr(r, "`lov_mønster` = ") < strstr(r + 1, "### "));
  free(out);
}

int th_quality_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_shipped_rules_pass_with_full_coverage),
    cmocka_unit_test(test_missing_coverage_is_named_at_the_end),
    cmocka_unit_test(test_changed_threshold_fails_the_right_tests),
    cmocka_unit_test(test_broken_test_file_is_named),
    cmocka_unit_test(test_diff_names_exactly_the_changed_rule_and_cases),
    cmocka_unit_test(test_diff_reports_every_change),
    cmocka_unit_test(test_diff_reports_rules_added_removed_and_changed),
    cmocka_unit_test(test_lint_catches_each_seeded_mistake),
    cmocka_unit_test(test_quotes_are_checked_against_the_source),
    cmocka_unit_test(test_doc_lists_what_a_rule_reaches),
  };
  return cmocka_run_group_tests_name("kvalitetsverktøyene: norm test, diff og lint", tests, NULL, NULL);
}

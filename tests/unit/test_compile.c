/*
** Semantic analysis and code generation: names, types against the schema, suggestions,
** enumerations, parameters, definitions, and the opcode sequence of small rules.
*/
#include <string.h>

#include "helpers.h"

static char *errors_of(const char *body)
{
  return th_errors("sem.norm", "retningslinje X \"Test\"\n  gjelder_fra 2022-01-01\n", body);
}

static void test_unknown_path_suggests(void **state)
{
  (void)state;
  char *d = errors_of("regel X-EN krav \"En\"\n  for hvert t i tiltak\n  krev t.strat <= vurderingsdato\n");
  assert_non_null(strstr(d, "sem.norm:5:8: feil: ukjent faktasti: posten «tiltak» har ikke feltet «strat» – mente du «start»?"));
  assert_non_null(strstr(d, "^^^^^^^"));
  free(d);
  d = errors_of("regel X-EN krav \"En\"\n  krev barnn.tolk_behov\n");
  assert_non_null(strstr(d, "ukjent navn «barnn» – mente du «barn»?"));
  free(d);
}

static void test_type_errors(void **state)
{
  (void)state;
  char *d = errors_of("regel X-EN krav \"En\"\n  krev barn.fodselsdato > 3\n");
  assert_non_null(strstr(d, "sammenligner to tall eller to datoer (venstre side er dato, høyre side er tall)"));
  free(d);
  d = errors_of("regel X-EN krav \"En\"\n  krev barn.fodselsdato\n");
  assert_non_null(strstr(d, "«krev» må være et vilkår (sann/usann), men dette er dato"));
  free(d);
  d = errors_of("regel X-EN krav \"En\"\n  krev tiltak.start < vurderingsdato\n");
  assert_non_null(strstr(d, "«tiltak» er en liste"));
  free(d);
  d = errors_of("regel X-EN krav \"En\"\n  krev alder(barn) > 3\n");
  assert_non_null(strstr(d, "argument 1 til alder(…) skal være dato, men er barn"));
  free(d);
}

static void test_enum_literal_checked(void **state)
{
  (void)state;
  char *d = errors_of("regel X-EN krav \"En\"\n  krev finnes t i tiltak: t.type = \"omsorgsendrend\"\n");
  assert_non_null(strstr(d, "«omsorgsendrend» er ikke en av de tillatte verdiene"));
  assert_non_null(strstr(d, "mente du «omsorgsendrende»?"));
  free(d);
}

static void test_definitions_and_parameters(void **state)
{
  (void)state;
  char *d = errors_of("definisjon a = b\ndefinisjon b = a\nregel X-EN krav \"En\"\n  krev a\n");
  assert_non_null(strstr(d, "bruker seg selv"));
  free(d);
  d = errors_of("parameter p = barn.fodselsdato\nregel X-EN krav \"En\"\n  krev sann\n");
  assert_non_null(strstr(d, "en parameter må være en fast verdi"));
  free(d);
  d = errors_of("regel X-EN krav \"En\"\n  krev samsvarer(\"a\", \"(\")\n");
  assert_non_null(strstr(d, "ugyldig regulært uttrykk ved tegn 1: ( uten avsluttende )"));   /* in Norwegian, not PCRE2's English */
  free(d);
  d = errors_of("regel X-EN krav \"En\"\n  krev samsvarer(\"a\", \"[a-\")\n");
  assert_non_null(strstr(d, "[ uten avsluttende ]"));
  free(d);
  d = errors_of("regel X-EN krav \"En\"\n  krev sann\nregel X-EN krav \"To\"\n  krev sann\n");
  assert_non_null(strstr(d, "regel-id-en X-EN er allerede brukt på linje 3"));
  free(d);
}

/* The opcode sequence of a small rule, as Lua's tests check emitted code. */
static void test_emitted_code(void **state)
{
  (void)state;
  bc_program p;
  th_program("retningslinje X \"T\"\nregel X-EN krav \"En\"\n  krev barn.tolk_behov og sann\n", &p);
  const bc_rule *r = NULL;
  for (size_t i = 0; i < p.rules.len; i++)
    if (!strcmp(bc_str(&p, p.rules.items[i].id), "X-EN")) r = &p.rules.items[i];
  assert_non_null(r);
  const bc_block *b = &p.blocks.items[r->check];
  const uint8_t *code = p.code.items + b->start;
  /* every part that is a condition is recorded: the fact that is yes or no, then the whole */
  const opcode want[] = { OP_ROOT, OP_FIELD, OP_FIELD, OP_COND, OP_JUMP_FALSE, OP_TRUE, OP_AND, OP_COND, OP_RETURN };
  size_t n = 0;
  for (uint32_t pc = 0; pc < b->len; pc += bc_ops[code[pc]].len, n++) {
    assert_true(n < sizeof want / sizeof *want);
    assert_int_equal(code[pc], want[n]);
  }
  assert_int_equal(n, sizeof want / sizeof *want);
  bc_free(&p);
}

/* What an editor gets for the usual slips: a suggestion for a misspelt keyword, unit or
** counting form; a documentation type the schema refuses; a unit missing at its declaration. */
static void count_in(const char *hay, const char *needle, int want)
{
  int n = 0;
  for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
  if (n != want) fail_msg("«%s» %d ganger, ikke %d:\n%s", needle, n, want, hay);
}

static void test_editor_slips(void **state)
{
  (void)state;
  char *d = errors_of("regel X-EN krav \"En\"\n  kreve sann\n");
  assert_non_null(strstr(d, "sem.norm:4:3: feil: uventet navn «kreve» (i regel X-EN) – mente du «krev»?"));
  free(d);
  d = errors_of("regel X-EN krav \"En\"\n  krev sann\n  meldig \"x\"\n");
  assert_non_null(strstr(d, "uventet navn «meldig» (i regel X-EN) – mente du «melding»?"));
  free(d);
  d = errors_of("parameter p = 6 veker\nregel X-EN krav \"En\"\n  krev vurderingsdato > vurderingsdato - p\n");
  assert_non_null(strstr(d, "sem.norm:3:17: feil: uventet navn «veker» – mente du «uker»?"));
  free(d);
  d = errors_of("regel X-EN krav \"En\"\n  krev antal(t i tiltak der t.start > vurderingsdato) > 1\n");
  assert_non_null(strstr(d, "«antal(» er ingen funksjon; mente du «antall(x i liste der …)»?"));
  free(d);
  d = errors_of("regel X-EN krav \"En\"\n  for hvert tø i tiltak\n  krev t.start < vurderingsdato\n");
  assert_non_null(strstr(d, "ukjent navn «t» – mente du «tø»?"));
  free(d);
  /* what a formula, SQL or another language writes: the rule language's word, one error each,
  ** and the rest of the line read as meant (no follow-up error) */
  static const struct { const char *krev, *want; } foreign[] = {
    { "barn.tolk_behov and sann", "uventet navn «and» (i regel X-EN) – i regelspråket heter det «og», ikke «and»" },
    { "barn.tolk_behov OR sann", "i regelspråket heter det «eller», ikke «OR»" },
    { "not barn.tolk_behov", "uventet navn «barn» (i regel X-EN) – i regelspråket heter det «ikke», ikke «not»" },
    { "barn.tolk_behov = true", "ukjent navn «true» – i regelspråket heter det «sann», ikke «true»" },
    { "barn.tolk_behov = False", "ukjent navn «False» – i regelspråket heter det «usann», ikke «False»" },
    { "barn.tolk_behov && sann", "sem.norm:4:24: feil: «&&» finnes ikke i regelspråket: det heter «og»" },
    { "barn.tolk_behov || sann", "«||» finnes ikke i regelspråket: det heter «eller»" },
    { "!barn.tolk_behov", "«!» finnes ikke i regelspråket: det heter «ikke»" },
    { "barn.tolk_behov == sann", "«==» finnes ikke i regelspråket: likhet skrives med én «=»" },
    /* text in quotes a word processor or another language puts there */
    { "finnes t i tiltak: t.type = 'mst'", "sem.norm:4:36: feil: tekst skrives mellom rette anførselstegn: \"mst\"" },
    { "finnes t i tiltak: t.type = “mst”", "tekst skrives mellom rette anførselstegn: \"mst\"" },
    { "finnes t i tiltak: t.type = «mst»", "tekst skrives mellom rette anførselstegn: \"mst\"" },
  };
  for (size_t i = 0; i < sizeof foreign / sizeof *foreign; i++) {
    char src[256];
    snprintf(src, sizeof src, "regel X-EN krav \"En\"\n  krev %s\n", foreign[i].krev);
    d = errors_of(src);
    if (!strstr(d, foreign[i].want)) fail_msg("«%s»: %s", foreign[i].krev, d);
    count_in(d, "feil:", 1);
    free(d);
  }
  /* the same word in other letters is named however long it is (edit distance alone allows
  ** one change in three letters, so «MST» got nothing) */
  d = errors_of("regel X-EN krav \"En\"\n  krev finnes t i tiltak: t.type = \"MST\"\n");
  assert_non_null(strstr(d, "– mente du «mst»? (store og små bokstaver er ikke det samme)"));
  free(d);
  d = errors_of("regel X-EN krav \"En\"\n  krev finnes t i tiltak: t.Planlagt_Slutt > vurderingsdato\n");
  assert_non_null(strstr(d, "har ikke feltet «Planlagt_Slutt» – mente du «planlagt_slutt»?"));
  free(d);
  /* the keyword itself, unexpected, is not «heter det «og», ikke «og»» */
  d = errors_of("regel X-EN krav \"En\"\n  krev barn.tolk_behov og og sann\n");
  assert_null(strstr(d, "heter det"));
  free(d);
  /* dokumentasjon.type is a choice in the schema: a type no case can have is refused */
  d = errors_of("regel X-EN krav \"En\"\n  krev sann\n  dokumenter statusnotat \"Et notat.\"\n");
  assert_non_null(strstr(d, "sem.norm:5:14: feil: «statusnotat» er ikke en av de tillatte verdiene"));
  free(d);
  /* a number used as a duration: one error, at the parameter, not one per use */
  d = errors_of("parameter frist = 6\n"
                "regel X-EN krav \"En\"\n  for hvert t i tiltak\n  krev t.start + frist < vurderingsdato\n  melding \"{t.start + frist}\"\n"
                "regel X-TO krav \"To\"\n  for hvert t i tiltak\n  krev vurderingsdato - frist > t.start\n");
  assert_non_null(strstr(d, "sem.norm:3:19: feil: parameteren «frist» er et tall uten enhet"));
  count_in(d, "feil:", 1);
  free(d);
}

/* Small rule files that used to cost without bound: a flat chain of 50,000 «og» (the
** compiler recursed once per «og» and overflowed its stack), definitions each using the
** previous twice (the inlined code doubled with every line), and 10,000 chained
** definitions. Each is now refused with a message naming the limit. */
static void test_pathological_sources_are_refused(void **state)
{
  (void)state;
  char *out = th_runf(2, "printf 'retningslinje X \"T\"\\nregel X-A krav \"a\"\\n  krev barn.tolk_behov' > build/q-dyp.norm && "
                         "awk 'BEGIN { for (i = 0; i < 50000; i++) printf \" og barn.tolk_behov\"; print \"\" }' >> build/q-dyp.norm && "
                         "timeout 120 %s compile build/q-dyp.norm -o build/q-dyp.normc", th_norm());
  assert_non_null(strstr(out, "build/q-dyp.norm:3:8: feil: uttrykket er nøstet i mer enn 500 nivåer"));
  free(out);
  out = th_runf(2, "printf 'retningslinje X \"T\"\\ndefinisjon d1 = barn.tolk_behov og barn.tolk_behov\\n' > build/q-dobbel.norm && "
                   "awk 'BEGIN { for (i = 2; i < 40; i++) printf \"definisjon d%%d = d%%d og d%%d\\n\", i, i - 1, i - 1 }' >> build/q-dobbel.norm && "
                   "printf 'regel X-A krav \"a\"\\n  krev d39\\n' >> build/q-dobbel.norm && "
                   "timeout 120 %s compile build/q-dobbel.norm -o build/q-dobbel.normc", th_norm());
  assert_non_null(strstr(out, "regelsettet blir for stort når definisjonene settes inn"));
  free(out);
  out = th_runf(2, "printf 'retningslinje X \"T\"\\ndefinisjon d0 = barn.tolk_behov\\n' > build/q-kjede.norm && "
                   "awk 'BEGIN { for (i = 1; i < 10000; i++) printf \"definisjon d%%d = d%%d\\n\", i, i - 1 }' >> build/q-kjede.norm && "
                   "printf 'regel X-A krav \"a\"\\n  krev d9999\\n' >> build/q-kjede.norm && "
                   "timeout 120 %s compile build/q-kjede.norm -o build/q-kjede.normc", th_norm());
  assert_non_null(strstr(out, "definisjonene bruker hverandre i mer enn 200 ledd"));
  free(out);
}

int th_compile_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_unknown_path_suggests),
    cmocka_unit_test(test_type_errors),
    cmocka_unit_test(test_enum_literal_checked),
    cmocka_unit_test(test_definitions_and_parameters),
    cmocka_unit_test(test_emitted_code),
    cmocka_unit_test(test_editor_slips),
    cmocka_unit_test(test_pathological_sources_are_refused),
  };
  return cmocka_run_group_tests_name("semantikk og kompilator", tests, NULL, NULL);
}

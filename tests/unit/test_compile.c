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
  assert_non_null(strstr(d, "ugyldig regulært uttrykk"));
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
  const opcode want[] = { OP_ROOT, OP_FIELD, OP_FIELD, OP_JUMP_FALSE, OP_TRUE, OP_AND, OP_COND, OP_RETURN };
  size_t n = 0;
  for (uint32_t pc = 0; pc < b->len; pc += bc_ops[code[pc]].len, n++) {
    assert_true(n < sizeof want / sizeof *want);
    assert_int_equal(code[pc], want[n]);
  }
  assert_int_equal(n, sizeof want / sizeof *want);
  bc_free(&p);
}

int th_compile_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_unknown_path_suggests),
    cmocka_unit_test(test_type_errors),
    cmocka_unit_test(test_enum_literal_checked),
    cmocka_unit_test(test_definitions_and_parameters),
    cmocka_unit_test(test_emitted_code),
  };
  return cmocka_run_group_tests_name("semantikk og kompilator", tests, NULL, NULL);
}

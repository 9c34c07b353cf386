/*
** The VM through small rule sets: Kleene truth tables, the record test, per-item rules,
** deviations justified on file, unknown facts naming their paths, regex limits.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static const char *const tri_rules =
  "retningslinje X \"T\"\n"
  "regel X-OG krav \"og\"\n  krev barn.tolk_behov og barn.funksjonsnedsettelse\n"
  "regel X-ELLER krav \"eller\"\n  krev barn.tolk_behov eller barn.funksjonsnedsettelse\n"
  "regel X-IKKE krav \"ikke\"\n  krev ikke barn.tolk_behov\n";

static const char *value_json(int v) { return v < 0 ? "null" : v ? "true" : "false"; }

static void test_kleene_truth_tables(void **state)
{
  (void)state;
  bc_program p;
  th_program(tri_rules, &p);
  const int vals[3] = { 1, 0, -1 };
  /* expected results for og / eller: index [a][b] over (sann, usann, ukjent) */
  const char *const og[3][3] = { { "oppfylt", "brudd", "ukjent" }, { "brudd", "brudd", "brudd" }, { "ukjent", "brudd", "ukjent" } };
  const char *const eller[3][3] = { { "oppfylt", "oppfylt", "oppfylt" }, { "oppfylt", "brudd", "ukjent" }, { "oppfylt", "ukjent", "ukjent" } };
  const char *const ikke[3] = { "brudd", "oppfylt", "ukjent" };
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      char members[200];
      snprintf(members, sizeof members, "\"barn\": {\"tolk_behov\": %s, \"funksjonsnedsettelse\": %s}",
               value_json(vals[i]), value_json(vals[j]));
      char *c = th_case(members);
      assert_string_equal(th_status(&p, c, "2024-10-01", "X-OG", 0), og[i][j]);
      assert_string_equal(th_status(&p, c, "2024-10-01", "X-ELLER", 0), eller[i][j]);
      assert_string_equal(th_status(&p, c, "2024-10-01", "X-IKKE", 0), ikke[i]);
      free(c);
    }
  bc_free(&p);
}

static void test_quantifiers_are_kleene(void **state)
{
  (void)state;
  bc_program p;
  th_program("retningslinje X \"T\"\n"
             "regel X-ALLE krav \"alle\"\n  krev alle m i moter: m.tolk_brukt\n"
             "regel X-FINNES krav \"finnes\"\n  krev finnes m i moter: m.tolk_brukt\n"
             "regel X-ANTALL krav \"antall\"\n  krev antall(m i moter der m.tolk_brukt) >= 1\n", &p);
  /* one meeting without interpreter, one unknown: "every meeting" is false, not unknown */
  char *c = th_case("\"moter\": [{\"tolk_brukt\": false}, {}]");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-ALLE", 0), "brudd");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-FINNES", 0), "ukjent");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-ANTALL", 0), "ukjent");
  free(c);
  c = th_case("\"moter\": [{\"tolk_brukt\": true}, {}]");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-ALLE", 0), "ukjent");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-FINNES", 0), "oppfylt");
  free(c);
  c = th_case("");     /* the list itself is not recorded */
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-ALLE", 0), "ukjent");
  free(c);
  c = th_case("\"moter\": []");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-ALLE", 0), "oppfylt");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-FINNES", 0), "brudd");
  free(c);
  bc_free(&p);
}

static void test_record_test_is_never_unknown(void **state)
{
  (void)state;
  bc_program p;
  th_program("retningslinje X \"T\"\nregel X-SKREVET krav \"s\"\n  krev skrevet(plan.formal)\n", &p);
  const char *const cases[][2] = {
    { "", "brudd" }, { "\"plan\": {}", "brudd" }, { "\"plan\": {\"formal\": null}", "brudd" },
    { "\"plan\": {\"formal\": \"\"}", "brudd" }, { "\"plan\": {\"formal\": \" \\t\\u00a0 \"}", "brudd" },
    { "\"plan\": {\"formal\": \"Trygg leggetid\"}", "oppfylt" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *c = th_case(cases[i][0]);
    assert_string_equal(th_status(&p, c, "2024-10-01", "X-SKREVET", 0), cases[i][1]);
    free(c);
  }
  bc_free(&p);
}

/* = and != and «i» on texts: the same text, one that is longer or shorter (a prefix), one
** of the same length that differs only in its last byte, and the empty text; a choice's
** value against the rule's constant. */
static void test_text_equality(void **state)
{
  (void)state;
  bc_program p;
  th_program("retningslinje X \"T\"\n"
             "regel X-LIK krav \"=\"\n  krev plan.formal = \"trygg\"\n"
             "regel X-ULIK krav \"!=\"\n  krev plan.formal != \"trygg\"\n"
             "regel X-I krav \"i\"\n  krev plan.formal i [\"tryg\", \"trygge\", \"trygg\"]\n"
             "regel X-VALG krav \"valg\"\n  krev undersokelse.alvorlighet = \"hoy\"\n", &p);
  const struct { const char *text, *lik, *ulik, *i; } cases[] = {
    { "trygg", "oppfylt", "brudd", "oppfylt" },    { "tryg", "brudd", "oppfylt", "oppfylt" },
    { "trygge", "brudd", "oppfylt", "oppfylt" },   { "tryggx", "brudd", "oppfylt", "brudd" },
    { "tryga", "brudd", "oppfylt", "brudd" },      { "", "brudd", "oppfylt", "brudd" },
    { "Trygg", "brudd", "oppfylt", "brudd" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char members[100];
    snprintf(members, sizeof members, "\"plan\": {\"formal\": \"%s\"}", cases[i].text);
    char *c = th_case(members);
    assert_string_equal(th_status(&p, c, "2024-10-01", "X-LIK", 0), cases[i].lik);
    assert_string_equal(th_status(&p, c, "2024-10-01", "X-ULIK", 0), cases[i].ulik);
    assert_string_equal(th_status(&p, c, "2024-10-01", "X-I", 0), cases[i].i);
    free(c);
  }
  const char *const levels[][2] = { { "hoy", "oppfylt" }, { "lav", "brudd" }, { "middels", "brudd" } };
  for (size_t i = 0; i < 3; i++) {
    char members[100];
    snprintf(members, sizeof members, "\"undersokelse\": {\"alvorlighet\": \"%s\"}", levels[i][0]);
    char *c = th_case(members);
    assert_string_equal(th_status(&p, c, "2024-10-01", "X-VALG", 0), levels[i][1]);
    free(c);
  }
  bc_free(&p);
}

static const char *const item_rules =
  "retningslinje X \"T\"\n  gjelder_når alder(barn.fodselsdato) <= 6\n"
  "regel X-VARIGHET bør \"v\"\n  for hvert t i tiltak der t.type = \"omsorgsendrende\"\n"
  "  krev t.planlagt_slutt >= t.start + 6 måneder\n"
  "regel X-VALG kan \"k\"\n  for hvert t i tiltak\n  krev \"videoveiledning\" i t.tilnarminger\n";

static void test_per_item_and_justification(void **state)
{
  (void)state;
  bc_program p;
  th_program(item_rules, &p);
  char *c = th_case("\"barn\": {\"fodselsdato\": \"2022-03-01\"}, \"tiltak\": ["
                    "{\"id\": \"T1\", \"type\": \"omsorgsendrende\", \"start\": \"2024-05-15\", \"planlagt_slutt\": \"2024-11-15\"},"
                    "{\"id\": \"T2\", \"type\": \"omsorgsendrende\", \"start\": \"2024-05-15\", \"planlagt_slutt\": \"2024-11-14\"},"
                    "{\"id\": \"T3\", \"type\": \"omsorgsendrende\", \"start\": \"2024-05-15\"},"
                    "{\"id\": \"T4\", \"type\": \"barnehage\"}],"
                    "\"dokumentasjon\": [{\"type\": \"avviksbegrunnelse\", \"gjelder\": \"T2\", \"tekst\": \"Barnet flytter.\"}]");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-VARIGHET", 0), "oppfylt");          /* exactly 6 months */
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-VARIGHET", 1), "begrunnet_avvik");  /* justified on file */
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-VARIGHET", 2), "ukjent");           /* end not recorded */
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-VARIGHET", 3), "(ingen)");          /* T4 is not in scope */
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-VALG", 0), "ukjent");
  free(c);
  /* A justification dated after the assessment date does not count yet; a blank one never. */
  c = th_case("\"barn\": {\"fodselsdato\": \"2022-03-01\"}, \"tiltak\": ["
              "{\"id\": \"T2\", \"type\": \"omsorgsendrende\", \"start\": \"2024-05-15\", \"planlagt_slutt\": \"2024-06-14\"}],"
              "\"dokumentasjon\": [{\"type\": \"avviksbegrunnelse\", \"gjelder\": \"X-VARIGHET\", \"tekst\": \"ok\", \"dato\": \"2024-12-01\"},"
              "{\"type\": \"avviksbegrunnelse\", \"gjelder\": \"T2\", \"tekst\": \"  \"}]");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-VARIGHET", 0), "avvik");
  assert_string_equal(th_status(&p, c, "2024-12-01", "X-VARIGHET", 0), "begrunnet_avvik");
  free(c);
  /* no item in scope: one ikke_aktuell; guideline unknown: one ukjent */
  c = th_case("\"barn\": {\"fodselsdato\": \"2022-03-01\"}, \"tiltak\": []");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-VARIGHET", 0), "ikke_aktuell");
  free(c);
  c = th_case("\"tiltak\": [{\"id\": \"T1\", \"type\": \"omsorgsendrende\"}]");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-VARIGHET", 0), "ukjent");
  free(c);
  c = th_case("\"barn\": {\"fodselsdato\": \"2012-03-01\"}, \"tiltak\": [{\"id\": \"T1\", \"type\": \"omsorgsendrende\"}]");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-VARIGHET", 0), "ikke_aktuell");
  free(c);
  bc_free(&p);
}

static void test_unknown_names_missing_path(void **state)
{
  (void)state;
  bc_program p;
  th_program(item_rules, &p);
  char *c = th_case("\"barn\": {\"fodselsdato\": \"2022-03-01\"}, \"tiltak\": [{\"id\": \"T1\", \"type\": \"omsorgsendrende\", \"start\": \"2024-05-15\"}]");
  ncase k;
  buf errors;
  buf_init(&errors);
  assert_true(case_load(&p, c, strlen(c), &k, &errors));
  vm *m = vm_new(&p);
  result r;
  int32_t d;
  date_parse("2024-10-01", 10, &d);
  eval_case(m, &k, d, &r);
  assert_int_equal(r.findings.items[0].status, F_UKJENT);
  /* the message names the fact as people call it; the trace keeps where it is in the case */
  assert_string_equal(r.findings.items[0].message, "Kan ikke vurderes: mangler planlagt slutt.");
  bool traced = false;
  for (size_t i = 0; i < r.findings.items[0].why.len; i++) {
    const why_entry *w = &r.findings.items[0].why.items[i];
    traced |= w->kind == TR_FACT && w->v.tag == V_UNKNOWN && !strcmp(why_text(&r, w), "tiltak[0].planlagt_slutt");
  }
  assert_true(traced);
  result_free(&r);
  vm_free(m);
  case_free(&k);
  buf_free(&errors);
  free(c);
  bc_free(&p);
}

static void test_validity_in_time(void **state)
{
  (void)state;
  bc_program p;
  th_program("retningslinje X \"Gammel\"\n  gjelder_til 2022-12-31\n"
             "regel X-A krav \"a\"\n  krev usann\n"
             "regel X-GAMMEL krav \"g\"\n  krev usann\n"
             "retningslinje X \"Ny\"\n  gjelder_fra 2023-01-01\n"
             "regel X-A krav \"a\"\n  krev sann\n"
             "regel X-NY krav \"n\"\n  gjelder_fra 2024-01-01\n  krev sann\n", &p);
  char *c = th_case("");
  assert_string_equal(th_status(&p, c, "2022-06-01", "X-A", 0), "brudd");
  assert_string_equal(th_status(&p, c, "2022-06-01", "X-NY", 0), "ikke_aktuell");
  assert_string_equal(th_status(&p, c, "2023-06-01", "X-A", 0), "oppfylt");
  assert_string_equal(th_status(&p, c, "2023-06-01", "X-A", 1), "(ingen)");          /* one finding per id */
  assert_string_equal(th_status(&p, c, "2023-06-01", "X-GAMMEL", 0), "ikke_aktuell");
  assert_string_equal(th_status(&p, c, "2023-06-01", "X-NY", 0), "ikke_aktuell");
  assert_string_equal(th_status(&p, c, "2024-01-01", "X-NY", 0), "oppfylt");
  free(c);
  bc_free(&p);
}

static void test_regex_limit_is_unknown(void **state)
{
  (void)state;
  bc_program p;
  th_program("retningslinje X \"T\"\nregel X-RE krav \"r\"\n  krev samsvarer(plan.formal, \"^(a+)+$\")\n"
             "regel X-RE2 krav \"r\"\n  krev samsvarer(plan.formal, \"(?i)^trygg\")\n", &p);
  char *c = th_case("\"plan\": {\"formal\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"}");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-RE", 0), "ukjent");
  free(c);
  c = th_case("\"plan\": {\"formal\": \"TRYGG leggetid for Åse\"}");
  assert_string_equal(th_status(&p, c, "2024-10-01", "X-RE2", 0), "oppfylt");
  free(c);
  bc_free(&p);
}

/* The same loaded case judged by three VMs, interleaved: the case is only read, so every
** finding has the same status, message and justification from each. */
static void same_result(const bc_program *p, const result *a, const result *b)
{
  assert_int_equal(a->findings.len, b->findings.len);
  for (size_t i = 0; i < a->findings.len; i++) {
    const finding *x = &a->findings.items[i], *y = &b->findings.items[i];
    assert_int_equal(x->rule, y->rule);
    assert_int_equal(x->status, y->status);
    assert_string_equal(x->message, y->message);
    if (x->why.len != y->why.len)
      fail_msg("%s: %zu mot %zu linjer i begrunnelsen", bc_str(p, p->rules.items[x->rule].id), x->why.len, y->why.len);
    for (size_t k = 0; k < x->why.len; k++) assert_string_equal(why_text(a, &x->why.items[k]), why_text(b, &y->why.items[k]));
  }
}

static void test_many_vms_one_case(void **state)
{
  (void)state;
  bc_program p;
  assert_true(fe_load_ruleset("rules", &p, stderr, false));
  char *json = th_slurp("examples/saksmappe-eksempel.json");
  ncase c;
  buf errors;
  buf_init(&errors);
  assert_true(case_load(&p, json, strlen(json), &c, &errors));
  int32_t d;
  assert_true(date_parse("2024-10-01", 10, &d));
  vm *m[3] = { vm_new(&p), vm_new(&p), vm_new(&p) };
  result first, r;
  eval_case(m[0], &c, d, &first);
  size_t facts = 0;
  for (size_t i = 0; i < first.findings.len; i++) facts += first.findings.items[i].why.len;
  assert_true(facts > first.findings.len);
  for (int round = 0; round < 2; round++)
    for (int k = 2; k >= 0; k--) {
      eval_case(m[k], &c, d, &r);
      same_result(&p, &first, &r);
      result_free(&r);
    }
  result_free(&first);
  for (int k = 0; k < 3; k++) vm_free(m[k]);
  case_free(&c);
  buf_free(&errors);
  free(json);
  bc_free(&p);
}

/* A thread judging case after case with a spare (eval_case_reusing) gets the same results
** as without one, and a rule that holds without words of its own says «TITTEL: oppfylt.»
** from one copy, made for the first case and pointed at after. */
static void test_spare_keeps_fulfilled_words(void **state)
{
  (void)state;
  bc_program p;
  assert_true(fe_load_ruleset("rules", &p, stderr, false));
  const char *paths[] = { "examples/saksmappe-eksempel.json", "examples/saker/01-oms-fullstendig.json",
                          "examples/saksmappe-eksempel.json" };
  vm *m = vm_new(&p);
  eval_spare spare;
  memset(&spare, 0, sizeof spare);
  const char **first = calloc(p.rules.len, sizeof *first);   /* per rule: its words, the first time */
  size_t again = 0;
  for (size_t k = 0; k < sizeof paths / sizeof *paths; k++) {
    ncase c;
    th_load_case(&p, paths[k], &c);
    result alone, kept;
    eval_case(m, &c, c.date, &alone);
    eval_case_reusing(m, &c, c.date, &kept, EVAL_FULL, &spare);
    same_result(&p, &alone, &kept);
    for (size_t i = 0; i < kept.findings.len; i++) {
      const finding *f = &kept.findings.items[i];
      const bc_rule *r = &p.rules.items[f->rule];
      if (f->status != F_OPPFYLT || r->message_ok != BC_NONE) continue;
      char want[512];
      snprintf(want, sizeof want, "%s: oppfylt.", bc_str(&p, r->title));
      assert_string_equal(f->message, want);
      assert_int_equal(f->message_len, strlen(want));
      if (!first[f->rule]) first[f->rule] = f->message;
      else assert_ptr_equal(f->message, first[f->rule]), again++;
    }
    result_free(&alone);
    result_recycle(&kept, &spare);
    case_free(&c);
  }
  assert_true(again > 0);
  free(first);
  eval_spare_free(&spare);
  vm_free(m);
  bc_free(&p);
}

/* Two trace entries (of results a and b) record the same: kind, condition, fact, what they
** name in words and value (texts by content: a value made during a run is not the same
** pointer in two VMs). */
static bool same_entry(const result *a, const why_entry *x, const result *b, const why_entry *y)
{
  if (x->kind != y->kind || x->cond != y->cond) return false;
  if (x->kind == TR_FACT && (x->rec != y->rec || x->field != y->field)) return false;
  if (strcmp(why_text(a, x), why_text(b, y))) return false;
  if (x->v.tag != y->v.tag) return false;
  switch (x->v.tag) {
  case V_BOOL: return x->v.u.b == y->v.u.b;
  case V_NUM: return x->v.u.num == y->v.u.num;
  case V_STR: return x->v.u.str->len == y->v.u.str->len && !memcmp(x->v.u.str->s, y->v.u.str->s, x->v.u.str->len);
  case V_DATE: return x->v.u.date == y->v.u.date;
  case V_LIST: return x->v.u.list->n == y->v.u.list->n;
  case V_REC: return x->v.u.rec == y->v.u.rec;
  default: return true;
  }
}

/* A run that records nothing runs each block without its COND instructions, with LOCAL or
** ROOT and FIELD joined and its jumps moved; a run that traces, the same with its CONDs
** (vm.c, lay_out); with a coverage map set, the code as compiled runs. All must decide the
** same: every finding's rule, item and status, and its message (messages run unrecorded
** in both), and in a full result the same trace, over the example corpus with both rule
** sets, at two dates and at the case's own. */
/* A number in a message: a whole number as printf's %.0f writes it (vm_format writes those
** digits itself), anything else with two decimals and a comma. */
static void test_numbers_in_messages(void **state)
{
  (void)state;
  bc_program p;
  th_program(tri_rules, &p);
  double whole[] = { 0.0, -0.0, 1, -1, 7, 10, -10, 42, 1e14, -1e14, 999999999999999.0, -999999999999999.0,
                     123456789012345.0, 9007199254740.0 };
  buf b;
  buf_init(&b);
  for (size_t i = 0; i < sizeof whole / sizeof *whole; i++) {
    char want[64];
    snprintf(want, sizeof want, "%.0f", whole[i]);
    buf_reset(&b);
    vm_format(&p, v_num(whole[i]), &b);
    assert_string_equal(b.data, want);
  }
  uint64_t x = 88172645463325252ull;        /* and a spread of others (xorshift) */
  for (int i = 0; i < 20000; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    double d = (double)(int64_t)(x % 2000000000000000ull) - 1e15;
    if (i % 2) d = (double)(int64_t)(x % 100000) - 50000;
    char want[64];
    snprintf(want, sizeof want, "%.0f", d);
    buf_reset(&b);
    vm_format(&p, v_num(d), &b);
    if (fabs(d) < 1e15) assert_string_equal(b.data, want);
  }
  buf_reset(&b);
  vm_format(&p, v_num(2.5), &b);
  assert_string_equal(b.data, "2,50");
  buf_reset(&b);
  vm_format(&p, v_num(1e15), &b);              /* (not below 1e15: with decimals) */
  assert_string_equal(b.data, "1000000000000000,00");
  buf_free(&b);
  bc_free(&p);
}

static void test_lean_code_decides_the_same(void **state)
{
  (void)state;
  const char *sets[] = { "rules", "bench/b" };
  char *list = th_runf(0, "ls examples/saker/*.json examples/saksmappe-eksempel.json");
  static const char *const dates[] = { "2024-10-01", "2022-03-01" };
  size_t findings = 0, traced = 0;
  for (size_t k = 0; k < sizeof sets / sizeof *sets; k++) {
    bc_program p;
    assert_true(fe_load_ruleset(sets[k], &p, stderr, false));
    vm *lean = vm_new(&p), *compiled = vm_new(&p);
    uint8_t *map = calloc((p.rules.len + p.guides.len) * p.conds.len + 1, 1);
    vm_coverage(compiled, map);
    char *paths = strdup(list);
    for (char *path = strtok(paths, "\n"); path; path = strtok(NULL, "\n")) {
      ncase c;
      th_load_case(&p, path, &c);
      for (size_t di = 0; di < 3; di++) {
        int32_t d = c.has_date ? c.date : 0;
        if (di < 2) assert_true(date_parse(dates[di], 10, &d));
        for (int detail = EVAL_FULL; detail <= EVAL_STATUS; detail++) {
          result a, b;
          eval_case_detail(lean, &c, d, &a, (eval_detail)detail);
          eval_case_detail(compiled, &c, d, &b, (eval_detail)detail);
          assert_int_equal(a.error, b.error);
          if (a.findings.len != b.findings.len) fail_msg("%s (%s): %zu mot %zu funn", path, sets[k], a.findings.len, b.findings.len);
          for (size_t i = 0; i < a.findings.len; i++) {
            const finding *x = &a.findings.items[i], *y = &b.findings.items[i];
            assert_int_equal(x->rule, y->rule);
            if (x->status != y->status)
              fail_msg("%s (%s), %s: %d mot %d", path, sets[k], bc_str(&p, p.rules.items[x->rule].id), (int)x->status, (int)y->status);
            assert_true(x->item == y->item || (x->item && y->item && !strcmp(x->item, y->item)));
            assert_true(x->message == y->message || (x->message && y->message && !strcmp(x->message, y->message)));
            /* a full result's trace: recorded the same in both layouts */
            if (x->why.len != y->why.len)
              fail_msg("%s (%s), %s: %zu mot %zu i sporet", path, sets[k], bc_str(&p, p.rules.items[x->rule].id), x->why.len, y->why.len);
            for (size_t w = 0; w < x->why.len; w++)
              if (!same_entry(&a, &x->why.items[w], &b, &y->why.items[w]))
                fail_msg("%s (%s), %s: sporet skiller seg ved %zu", path, sets[k], bc_str(&p, p.rules.items[x->rule].id), w);
            traced += x->why.len;
          }
          findings += a.findings.len;
          result_free(&a);
          result_free(&b);
        }
      }
      case_free(&c);
    }
    free(paths);
    free(map);
    vm_free(lean);
    vm_free(compiled);
    bc_free(&p);
  }
  free(list);
  assert_true(findings > 5000);
  assert_true(traced > 50000);
}

int th_vm_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_kleene_truth_tables),
    cmocka_unit_test(test_quantifiers_are_kleene),
    cmocka_unit_test(test_record_test_is_never_unknown),
    cmocka_unit_test(test_text_equality),
    cmocka_unit_test(test_per_item_and_justification),
    cmocka_unit_test(test_unknown_names_missing_path),
    cmocka_unit_test(test_validity_in_time),
    cmocka_unit_test(test_regex_limit_is_unknown),
    cmocka_unit_test(test_many_vms_one_case),
    cmocka_unit_test(test_numbers_in_messages),
    cmocka_unit_test(test_lean_code_decides_the_same),
    cmocka_unit_test(test_spare_keeps_fulfilled_words),
  };
  return cmocka_run_group_tests_name("VM og evaluering", tests, NULL, NULL);
}

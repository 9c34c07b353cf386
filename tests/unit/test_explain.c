/*
** Explanations ("forklaring"): pinned for each construct on small rule sets (og, eller,
** alle, finnes, a missing fact, an exception, a deviation justified by a note), and checked
** over the whole example corpus: no rule-language syntax, only facts the trace read, at
** most six lines.
*/
#include <jansson.h>
#include <regex.h>
#include <string.h>

#include "explain.h"
#include "helpers.h"
#include "tools/report.h"
#include "vm.h"

static const char *const rules =
  "retningslinje X \"T\"\n"
  "definisjon i_gang(t) \"tiltak {t.id} har startet\" ikke \"tiltak {t.id} har ikke startet\" =\n"
  "  t.start <= vurderingsdato\n"
  "regel X-OG krav \"og\"\n  for hvert t i tiltak\n  krev i_gang(t) og skrevet(t.planlagt_slutt)\n"
  "regel X-ALLE krav \"alle\"\n  krev alle m i moter: m.tolk_brukt\n"
  "regel X-ALLE-ID krav \"alle, med id\"\n  krev alle f i foreldre: f.daglig_omsorg\n"
  "regel X-FINNES krav \"finnes\"\n  krev finnes e i registrert(evalueringer): e.mal_vurdert\n"
  "regel X-UKJENT krav \"ukjent\"\n  krev barn.tolk_behov\n"
  "regel X-UKJENT-TO krav \"to ukjente\"\n  for hvert t i tiltak\n  krev (alle m i moter: m.barnet_til_stede) og t.sted = \"hjemme\"\n"
  "regel X-UNNTAK krav \"unntak\"\n  unntak barn.funksjonsnedsettelse eller barn.tolk_behov\n  krev usann\n"
  "regel X-BOR bør \"bør\"\n  for hvert t i tiltak\n  krev t.sted = \"hjemme\"\n"
  "regel X-KAN kan \"kan\"\n  krev skrevet(plan.formal)\n"
  "regel X-MANGLER krav \"mangler\"\n  krev mangler(plan.formal)\n"
  "regel X-VALG krav \"valg\"\n  for hvert t i tiltak\n  krev t.sted != \"dogn\"\n"
  "  melding \"Tiltak {t.id} gis som {t.sted} ({t.tilnarminger}).\"\n";

/* The explanation of the first finding of rule `id`, its lines joined by " | ". */
static char *explained(const bc_program *p, const char *members, const char *id)
{
  char *json = th_case(members);
  ncase c;
  buf errors, out;
  buf_init(&errors);
  buf_init(&out);
  if (!case_load(p, json, strlen(json), &c, &errors)) fail_msg("%s", errors.data);
  int32_t d;
  assert_true(date_parse("2024-10-01", 10, &d));
  vm *m = vm_new(p);
  result r;
  eval_case(m, &c, d, &r);
  for (size_t i = 0; i < r.findings.len && !out.len; i++) {
    const finding *f = &r.findings.items[i];
    if (strcmp(bc_str(p, p->rules.items[f->rule].id), id)) continue;
    explanation e;
    explain_finding(&r, f, &e);
    for (size_t k = 0; k < e.lines.len; k++) {
      buf_printf(&out, "%s%s", k ? " | " : "", e.lines.items[k].text);
      for (size_t j = 0; j < e.lines.items[k].facts.len; j++) {
        buf vb;
        buf_init(&vb);
        explain_value(p, e.lines.items[k].facts.items[j].type, e.lines.items[k].facts.items[j].v, &vb);
        buf_printf(&out, " [%s=%s]", e.lines.items[k].facts.items[j].label, vb.data);
        buf_free(&vb);
      }
    }
    explanation_free(&e);
  }
  result_free(&r);
  vm_free(m);
  case_free(&c);
  buf_free(&errors);
  free(json);
  return buf_take(&out);
}

static void pin(const bc_program *p, const char *members, const char *id, const char *want)
{
  char *got = explained(p, members, id);
  if (strcmp(got, want)) fail_msg("%s:\n  fikk  «%s»\n  ville «%s»", id, got, want);
  free(got);
}

/* The message of rule `id` on a case with these members (caller frees). */
static char *message_of(const bc_program *p, const char *members, const char *id)
{
  char *json = th_case(members);
  ncase c;
  buf errors;
  buf_init(&errors);
  assert_true(case_load(p, json, strlen(json), &c, &errors));
  int32_t day;
  assert_true(date_parse("2024-10-01", 10, &day));
  vm *m = vm_new(p);
  result r;
  eval_case(m, &c, day, &r);
  char *msg = NULL;
  for (size_t i = 0; i < r.findings.len && !msg; i++)
    if (!strcmp(bc_str(p, p->rules.items[r.findings.items[i].rule].id), id)) msg = xstrdup(r.findings.items[i].message);
  assert_non_null(msg);
  result_free(&r);
  vm_free(m);
  case_free(&c);
  buf_free(&errors);
  free(json);
  return msg;
}

static void test_each_construct(void **state)
{
  (void)state;
  bc_program p;
  th_program(rules, &p);
  /* og that is false: only the part that was false, with the facts it read */
  pin(&p, "\"tiltak\": [{\"id\": \"T1\", \"start\": \"2024-05-15\"}]", "X-OG",
      "Planlagt slutt er ikke fylt ut. [planlagt slutt=ikke registrert]");
  pin(&p, "\"tiltak\": [{\"id\": \"T1\", \"start\": \"2024-12-15\", \"planlagt_slutt\": \"2025-06-01\"}]", "X-OG",
      "Tiltak T1 har ikke startet. [start=15.12.2024]");
  /* alle that is false, finnes that is false */
  pin(&p, "\"moter\": [{\"tolk_brukt\": true}, {\"tolk_brukt\": false}]", "X-ALLE",
      "Ikke alle møtene: tolk brukt: ja – ikke for nr. 2. [tolk brukt=nei]");
  /* … the item that failed by its id, and only the facts read for it (not those that held) */
  pin(&p, "\"foreldre\": [{\"id\": \"F1\", \"rolle\": \"mor\", \"daglig_omsorg\": true}, "
          "{\"id\": \"F2\", \"rolle\": \"far\", \"daglig_omsorg\": false}, {\"id\": \"F3\", \"rolle\": \"annen\", \"daglig_omsorg\": true}]",
      "X-ALLE-ID", "Ikke alle foreldrene: daglig omsorg: ja – ikke for F2. [daglig omsorg=nei]");
  /* … up to three of them, and whether there are more (the evaluation went on past the first) */
  pin(&p, "\"foreldre\": [{\"id\": \"F1\", \"daglig_omsorg\": true}, {\"id\": \"F2\", \"daglig_omsorg\": false}, "
          "{\"id\": \"F3\", \"daglig_omsorg\": true}, {\"id\": \"F4\", \"daglig_omsorg\": false}, {\"id\": \"F5\", \"daglig_omsorg\": false}]",
      "X-ALLE-ID", "Ikke alle foreldrene: daglig omsorg: ja – ikke for F2, F4 og F5. [daglig omsorg=nei] [daglig omsorg=nei] [daglig omsorg=nei]");
  pin(&p, "\"foreldre\": [{\"id\": \"F1\", \"daglig_omsorg\": false}, {\"id\": \"F2\", \"daglig_omsorg\": false}, "
          "{\"id\": \"F3\", \"daglig_omsorg\": false}, {\"id\": \"F4\", \"daglig_omsorg\": false}, {\"id\": \"F5\", \"daglig_omsorg\": false}]",
      "X-ALLE-ID", "Ikke alle foreldrene: daglig omsorg: ja – ikke for F1, F2, F3 og flere. [daglig omsorg=nei] [daglig omsorg=nei] [daglig omsorg=nei]");
  pin(&p, "\"evalueringer\": []", "X-FINNES", "Ingen av evalueringene: målene vurdert: ja. [evalueringene=ingen]");
  /* ukjent: every missing fact by name */
  pin(&p, "\"barn\": {}", "X-UKJENT", "Ikke registrert i saksmappen: barnets behov for tolk. [barnets behov for tolk=ikke registrert]");
  /* … each by its whole name, once: «sted» is not left out for being part of «barnet til stede» */
  const char *two = "\"moter\": [{\"dato\": \"2024-06-01\"}], \"tiltak\": [{\"id\": \"T1\"}]";
  pin(&p, two, "X-UKJENT-TO", "Ikke registrert i saksmappen: barnet til stede, sted. [barnet til stede=ikke registrert] [sted=ikke registrert]");
  char *msg = message_of(&p, two, "X-UKJENT-TO");
  assert_string_equal(msg, "Kan ikke vurderes: mangler barnet til stede, sted.");
  free(msg);
  /* an exception that held: eller that is true, one true part */
  pin(&p, "\"barn\": {\"funksjonsnedsettelse\": true, \"tolk_behov\": true}", "X-UNNTAK",
      "Barnets funksjonsnedsettelse: ja. [barnets funksjonsnedsettelse=ja]");
  /* avvik, and vurder for a kan */
  pin(&p, "\"tiltak\": [{\"id\": \"T1\", \"sted\": \"senter\"}]", "X-BOR", "Sted er ikke hjemme. [sted=senter]");
  pin(&p, "\"plan\": {\"formal\": \"  \"}", "X-KAN", "Planens formål er ikke fylt ut. [planens formål=  ]");
  /* mangler(x): what the rule asked to be absent is there */
  pin(&p, "\"plan\": {\"formal\": \"Trygg hverdag\"}", "X-MANGLER", "Planens formål er registrert. [planens formål=Trygg hverdag]");
  /* a deviation justified by a note: which note */
  pin(&p, "\"tiltak\": [{\"id\": \"T1\", \"sted\": \"senter\"}], \"dokumentasjon\": [{\"type\": \"avviksbegrunnelse\", "
          "\"gjelder\": \"X-BOR\", \"dato\": \"2024-06-01\", \"tekst\": \"Boforholdene gjør hjemmebesøk utrygt.\"}]",
      "X-BOR", "Sted er ikke hjemme. [sted=senter] | Avviket er begrunnet i saksmappen: notatet av typen «avviksbegrunnelse» "
               "fra 01.06.2024, som begynner «Boforholdene gjør hjemmebesøk utrygt.». [notatet gjelder=X-BOR] [notattekst=Boforholdene gjør hjemmebesøk utrygt.]");
  bc_free(&p);
}

/* A choice's values by the names the schema gives them (valg("dogn" = "døgn")): in the
** rule's message, in the explanation's words and in its facts; a value without a name as it
** is. The case and the trace keep the value itself. */
static void test_choice_names(void **state)
{
  (void)state;
  bc_program p;
  th_program(rules, &p);
  const char *members = "\"tiltak\": [{\"id\": \"T1\", \"sted\": \"dogn\", "
                        "\"tilnarminger\": [\"praktisk_ovelse\", \"samtale\", \"grunnleggende_omsorg\"]}]";
  pin(&p, members, "X-VALG", "Sted er døgn. [sted=døgn]");
  char *json = th_case(members);
  ncase c;
  buf errors;
  buf_init(&errors);
  assert_true(case_load(&p, json, strlen(json), &c, &errors));
  vm *m = vm_new(&p);
  result r;
  int32_t day;
  assert_true(date_parse("2024-10-01", 10, &day));
  eval_case(m, &c, day, &r);
  const finding *f = NULL;
  for (size_t i = 0; i < r.findings.len; i++)
    if (!strcmp(bc_str(&p, p.rules.items[r.findings.items[i].rule].id), "X-VALG")) f = &r.findings.items[i];
  assert_non_null(f);
  assert_string_equal(f->message, "Tiltak T1 gis som døgn (praktisk øvelse, samtale, grunnleggende omsorg).");
  bool raw = false;
  for (size_t i = 0; i < f->why.len; i++)
    raw |= f->why.items[i].kind == TR_FACT && f->why.items[i].v.tag == V_STR && !strcmp(f->why.items[i].v.u.str->s, "dogn");
  assert_true(raw);
  result_free(&r);
  vm_free(m);
  case_free(&c);
  buf_free(&errors);
  free(json);
  bc_free(&p);
  /* only a choice's values take names */
  char *d = th_errors("skjema_test.norm", "", "post x\n  a: id(tiltak, \"b\" = \"c\")\n");
  assert_non_null(strstr(d, "bare verdiene i valg(…) kan få et navn"));
  free(d);
}

/* «hver {intervall}» in a message says how often in the right form; «hver» before anything
** but a duration stays as written. */
static void test_every_duration(void **state)
{
  (void)state;
  bc_program p;
  th_program("retningslinje X \"T\"\nregel X-HVER krav \"hver\"\n  krev usann\n"
             "  melding \"Hver {1 måneder}, hver {3 måneder}, hvert {12 måneder}, hvert {2 år}, hver {7 dager}, "
             "hver {14 dager}, hver {1 dager}, hver {10 dager}; hver {barn.fodselsdato}; om {6 måneder}.\"\n", &p);
  char *msg = message_of(&p, "\"barn\": {\"fodselsdato\": \"2022-03-01\"}", "X-HVER");
  assert_string_equal(msg, "Hver måned, hver 3. måned, hvert år, hvert 2. år, hver uke, hver 2. uke, hver dag, hver 10. dag; "
                           "hver 01.03.2022; om 6 måneder.");
  free(msg);
  bc_free(&p);
}

/* Over the whole example corpus: every finding that is not oppfylt has an explanation;
** it has no rule-language syntax, names only facts its trace read, and is at most six lines. */
static void test_corpus_explanations_are_plain(void **state)
{
  (void)state;
  char *out = th_runf(0, "%s check --format json --rules rules examples/saker > build/q-forklaring.ndjson; "
                         "test $? -le 1 && %s check --farge aldri --rules rules examples/saker > build/q-forklaring.txt; test $? -le 1",
                      th_norm(), th_norm());
  free(out);
  regex_t syntax;
  /* [n] indices, operators, «finnes … der», a dotted or underscored name, a «…» with an expression in it */
  assert_int_equal(regcomp(&syntax, "\\[[0-9]+\\]|>=|<=|!=|finnes .* der|[a-zæøå]\\.[a-zæøå]|[a-zæøå]_[a-zæøå]|«[^»]*[=()][^»]*»",
                           REG_EXTENDED | REG_NOSUB), 0);
  char *all = th_slurp("build/q-forklaring.ndjson");
  size_t findings = 0, lines = 0;
  for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n")) {
    json_error_t je;
    json_t *doc = json_loads(line, 0, &je);
    assert_non_null(doc);
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(doc, "funn"), i, f) {
      const char *status = json_string_value(json_object_get(f, "status"));
      /* the documentation checklist agrees with the findings: a rule that is met never
      ** leaves its own documentation point unmet */
      size_t q;
      json_t *dk;
      json_array_foreach(json_object_get(doc, "dokumentasjonskrav"), q, dk) {
        const char *dr = json_string_value(json_object_get(dk, "regel"));
        const char *dg = json_string_value(json_object_get(dk, "gjelder"));
        const char *fg = json_string_value(json_object_get(f, "gjelder"));
        if (!strcmp(status, "oppfylt") && !strcmp(dr, json_string_value(json_object_get(f, "regel"))) &&
            (dg == NULL) == (fg == NULL) && (!dg || !strcmp(dg, fg)) && !json_is_true(json_object_get(dk, "oppfylt")))
          fail_msg("%s %s er oppfylt, men dokumentasjonspunktet «%s» står som ikke oppfylt", dr, fg ? fg : "",
                   json_string_value(json_object_get(dk, "tekst")));
      }
      if (!strcmp(status, "oppfylt")) continue;
      findings++;
      json_t *fk = json_object_get(f, "forklaring");
      const char *rule = json_string_value(json_object_get(f, "regel"));
      if (!json_is_array(fk) || !json_array_size(fk)) fail_msg("%s (%s): ingen forklaring", rule, status);
      /* the message a caseworker reads has no JSON paths or values written as code either */
      const char *msg = json_string_value(json_object_get(f, "melding"));
      if (msg && regexec(&syntax, msg, 0, NULL, 0) == 0) fail_msg("%s: regelspråk eller JSON-sti i meldingen: «%s»", rule, msg);
      if (json_array_size(fk) > 6) fail_msg("%s: %zu linjer", rule, json_array_size(fk));
      size_t k;
      json_t *l;
      json_array_foreach(fk, k, l) {
        const char *text = json_string_value(json_object_get(l, "tekst"));
        lines++;
        if (regexec(&syntax, text, 0, NULL, 0) == 0) fail_msg("%s: regelspråk i forklaringen: «%s»", rule, text);
        size_t j;
        json_t *fact;
        json_array_foreach(json_object_get(l, "fakta"), j, fact) {
          const char *path = json_string_value(json_object_get(fact, "sti"));
          bool read = false;
          size_t b;
          json_t *w;
          json_array_foreach(json_object_get(f, "begrunnelse"), b, w) {
            const char *fp = json_string_value(json_object_get(w, "fakta"));
            if (fp && !strcmp(fp, path)) read = true;
          }
          if (!read) fail_msg("%s: forklaringen nevner %s, som begrunnelsen ikke leste", rule, path);
        }
      }
    }
    json_decref(doc);
  }
  assert_true(findings > 200);
  assert_true(lines >= findings);
  free(all);
  /* the text form: under every «Hvorfor:», at most six lines, none with rule-language syntax */
  char *text = th_slurp("build/q-forklaring.txt");
  assert_null(strstr(text, "vilkår «"));
  for (char *at = strstr(text, "    Hvorfor:\n"); at; at = strstr(at + 1, "    Hvorfor:\n")) {
    char *p = at + strlen("    Hvorfor:\n");
    int n = 0;
    while (!strncmp(p, "      – ", strlen("      – "))) {
      char *nl = strchr(p, '\n');
      *nl = 0;
      if (regexec(&syntax, p, 0, NULL, 0) == 0) fail_msg("regelspråk i teksten: «%s»", p);
      *nl = '\n';
      p = nl + 1;
      n++;
    }
    assert_true(n >= 1 && n <= 6);
  }
  free(text);
  regfree(&syntax);
}

/* The rules of a guideline that does not apply share the first one's trace (eval.c), and
** the JSON report copies its begrunnelse and forklaring (report_json.c). With a coverage
** map set nothing is shared, every rule works its reason out again: both ways must give
** the same bytes, over the example corpus and both rule sets. */
static void test_shared_reason_as_if_worked_out_each_time(void **state)
{
  (void)state;
  const char *sets[] = { "rules", "bench/b" };
  char *list = th_runf(0, "ls examples/saker/*.json examples/saksmappe-eksempel.json");
  size_t cases = 0, shared = 0;
  for (size_t k = 0; k < sizeof sets / sizeof *sets; k++) {
    bc_program p;
    assert_true(fe_load_ruleset(sets[k], &p, stderr, false));
    vm *plain = vm_new(&p), *covered = vm_new(&p);
    uint8_t *map = calloc((p.rules.len + p.guides.len) * p.conds.len + 1, 1);
    vm_coverage(covered, map);
    json_reporter *jr = json_reporter_new(&p);
    char *paths = strdup(list);
    for (char *path = strtok(paths, "\n"); path; path = strtok(NULL, "\n")) {
      ncase c;
      th_load_case(&p, path, &c);
      buf a, b;
      buf_init(&a);
      buf_init(&b);
      int32_t d = c.has_date ? c.date : 0;
      result r1, r2;
      eval_case(plain, &c, d, &r1);
      eval_case(covered, &c, d, &r2);
      assert_int_equal(r1.findings.len, r2.findings.len);
      for (size_t i = 1; i < r1.findings.len; i++)
        for (size_t j = 0; j < i; j++)
          if (r1.findings.items[i].why.len && r1.findings.items[i].why.items == r1.findings.items[j].why.items) {
            assert_ptr_not_equal(r2.findings.items[i].why.items, r2.findings.items[j].why.items);
            shared++;
            break;
          }
      report_json_with(jr, &r1, &a);
      report_json_with(jr, &r2, &b);
      if (a.len != b.len || memcmp(a.data, b.data, a.len)) fail_msg("%s (%s): the shared reasons differ", path, sets[k]);
      cases++;
      result_free(&r1);
      result_free(&r2);
      case_free(&c);
      buf_free(&a);
      buf_free(&b);
    }
    free(paths);
    json_reporter_free(jr);
    free(map);
    vm_free(plain);
    vm_free(covered);
    bc_free(&p);
  }
  free(list);
  assert_true(cases >= 2 * 40);
  assert_true(shared > 0);                    /* the path is taken */
}

/* One explainer for two rule sets in turn (it takes each condition's words apart once and
** keeps them): the second is the first with a definition worded otherwise, so its strings
** have the same ids and other words. Each explanation must be the one a fresh explainer
** gives, with the rule sets alternating. */
/* Two explanations say the same: the same lines, each with the same facts (by path: one
** per fact and case) and values. */
static bool same_explanation(const explanation *a, const explanation *b)
{
  if (a->lines.len != b->lines.len) return false;
  for (size_t i = 0; i < a->lines.len; i++) {
    const expl_line *x = &a->lines.items[i], *y = &b->lines.items[i];
    if (x->len != y->len || memcmp(x->text, y->text, x->len) || x->plain != y->plain || x->facts.len != y->facts.len)
      return false;
    for (size_t k = 0; k < x->facts.len; k++)
      if (x->facts.items[k].path != y->facts.items[k].path || x->facts.items[k].v.tag != y->facts.items[k].v.tag)
        return false;
  }
  return true;
}

/* explain_same lets a report copy one finding's forklaring for another (report_json.c): every
** pair it calls alike must be explained alike when each is worked out, over the example
** corpus and both rule sets, on each case's date and on one before every rule (all of them
** not in force). Both kinds must be met: a shared trace and none. */
static void test_explained_alike_is_alike(void **state)
{
  (void)state;
  const char *sets[] = { "rules", "bench/b" };
  char *list = th_runf(0, "ls examples/saker/*.json examples/saksmappe-eksempel.json");
  size_t traced = 0, untraced = 0;
  for (size_t k = 0; k < sizeof sets / sizeof *sets; k++) {
    bc_program p;
    assert_true(fe_load_ruleset(sets[k], &p, stderr, false));
    vm *m = vm_new(&p);
    char *paths = strdup(list);
    for (char *path = strtok(paths, "\n"); path; path = strtok(NULL, "\n")) {
      ncase c;
      th_load_case(&p, path, &c);
      int32_t dates[2] = { c.has_date ? c.date : 0, 0 };
      assert_true(date_parse("1990-01-01", 10, &dates[1]));
      for (int di = 0; di < 2; di++) {
        result r;
        eval_case(m, &c, dates[di], &r);
        for (size_t i = 1; i < r.findings.len; i++)
          for (size_t j = 0; j < i; j++) {
            const finding *a = &r.findings.items[j], *b = &r.findings.items[i];
            if (!explain_same(&r, a, b)) continue;
            explanation x, y;
            explain_finding(&r, a, &x);
            explain_finding(&r, b, &y);
            if (!same_explanation(&x, &y))
              fail_msg("%s (%s): %s and %s called alike, explained «%s» and «%s»", path, sets[k],
                       bc_str(&p, p.rules.items[a->rule].id), bc_str(&p, p.rules.items[b->rule].id),
                       x.lines.len ? x.lines.items[0].text : "", y.lines.len ? y.lines.items[0].text : "");
            if (a->why.len) traced++;
            else untraced++;
            explanation_free(&x);
            explanation_free(&y);
          }
        result_free(&r);
      }
      case_free(&c);
    }
    free(paths);
    vm_free(m);
    bc_free(&p);
  }
  free(list);
  assert_true(traced > 0);
  assert_true(untraced > 0);
}

static void test_one_explainer_two_rule_sets(void **state)
{
  (void)state;
  static const char was[] = "\"tiltak {t.id} har ikke startet\"";
  const char *at = strstr(rules, was);
  assert_non_null(at);
  buf o;
  buf_init(&o);
  buf_put(&o, rules, (size_t)(at - rules));
  buf_puts(&o, "\"tiltak {t.id} er ikke begynt enda\"");
  buf_puts(&o, at + sizeof was - 1);
  char *other = buf_take(&o);
  bc_program p[2];
  th_program(rules, &p[0]);
  th_program(other, &p[1]);
  assert_int_equal(p[0].strings.len, p[1].strings.len);
  explainer *x = explainer_new();
  const char *members = "\"tiltak\": [{\"id\": \"T1\", \"start\": \"2024-12-15\", \"planlagt_slutt\": \"2025-06-01\"}]";
  const char *want[2] = { "Tiltak T1 har ikke startet.", "Tiltak T1 er ikke begynt enda" };
  size_t seen[2] = { 0, 0 };
  for (int turn = 0; turn < 4; turn++) {
    int k = turn % 2;
    char *json = th_case(members);
    ncase c;
    buf errors;
    buf_init(&errors);
    if (!case_load(&p[k], json, strlen(json), &c, &errors)) fail_msg("%s", errors.data);
    int32_t d;
    assert_true(date_parse("2024-10-01", 10, &d));
    vm *m = vm_new(&p[k]);
    result r;
    eval_case(m, &c, d, &r);
    for (size_t i = 0; i < r.findings.len; i++) {
      explanation a, b;
      explain_finding(&r, &r.findings.items[i], &a);
      explain_with(x, &r, &r.findings.items[i], &b);
      assert_int_equal(a.lines.len, b.lines.len);
      for (size_t j = 0; j < a.lines.len; j++) {
        if (strcmp(a.lines.items[j].text, b.lines.items[j].text))
          fail_msg("regelsett %d: «%s» / «%s»", k, a.lines.items[j].text, b.lines.items[j].text);
        seen[k] += strstr(b.lines.items[j].text, want[k]) != NULL;
      }
      explanation_free(&a);
      explanation_done(x, &b);
    }
    result_free(&r);
    vm_free(m);
    case_free(&c);
    buf_free(&errors);
    free(json);
  }
  assert_int_equal(seen[0], 2);              /* (each rule set's own words, each time) */
  assert_int_equal(seen[1], 2);
  explainer_free(x);
  bc_free(&p[0]);
  bc_free(&p[1]);
  free(other);
}

int th_explain_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_each_construct),
    cmocka_unit_test(test_choice_names),
    cmocka_unit_test(test_every_duration),
    cmocka_unit_test(test_corpus_explanations_are_plain),
    cmocka_unit_test(test_shared_reason_as_if_worked_out_each_time),
    cmocka_unit_test(test_one_explainer_two_rule_sets),
    cmocka_unit_test(test_explained_alike_is_alike),
  };
  return cmocka_run_group_tests_name("forklaringer", tests, NULL, NULL);
}

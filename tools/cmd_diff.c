/*
** `norm diff OLD NEW CASES…`: evaluates every case with two versions of the rule set and
** reports what a new version would change — per rule, how many cases changed status and
** how; then each changed case with its differing findings; then rules added, removed or
** with changed metadata. Text for people, or JSON (norm-diff/1).
*/
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "bcfile.h"
#include "cli.h"
#include "commands.h"
#include "date.h"
#include "frontend.h"
#include "norm.h"

const char *const usage_diff =
  "Bruk: norm diff [VALG] GAMMEL NY SAKSMAPPE…\n"
  "\n"
  "Vurderer hver saksmappe med to versjoner av regelsettet og viser hva den nye versjonen\n"
  "endrer: per regel hvor mange saker som får en annen status, og hvordan; parametere og\n"
  "definisjoner (gammel → ny verdi, og reglene som bruker dem); retningslinjenes\n"
  "metadata; regler lagt til eller fjernet; regler med endret logikk (alt et funn avhenger\n"
  "av) og regler med bare endrede tekster (tittel, sitat, kilder, melding); og hver sak\n"
  "med funnene som er ulike. En regel med endret logikk som ingen sak prøver, gir en\n"
  "advarsel. GAMMEL og NY er regelmapper, regelfiler eller .normc (parametere og\n"
  "definisjoner med navn bare fra kildene). SAKSMAPPE er en fil, en mappe (også\n"
  "undermapper), en NDJSON-fil eller - (standard inn).\n"
  "\n"
  "Valg:\n"
  "  --dato ÅÅÅÅ-MM-DD  vurderingsdato for alle sakene (standard: sakens egen)\n"
  "  --format text|json tekst (standard; også «tekst») eller JSON (norm-diff/1)\n"
  "  -h, --help         vis denne hjelpen\n"
  "\n"
  "Utgangsstatus: 1 når regelsettene kan vurdere en sak ulikt (endrede funn i korpuset,\n"
  "regler lagt til eller fjernet, eller endret logikk, også der ingen sak viser det);\n"
  "0 når de ikke kan det (også når bare tekster er endret); 2 feil bruk eller saker som\n"
  "ikke kunne leses (de andre sakene vurderes likevel).\n";

typedef struct {
  char *rule, *item;
  int from, to;              /* fstatus, or -1 when the finding is absent in that version */
} change;

typedef struct {
  char *name, *sak_id;
  VEC(change) changes;
} changed_case;

typedef struct {
  const char *rule;          /* points into a change */
  int from, to;
  size_t cases;
} transition;

/* A parameter or definition as written, and the rules that reach it (ids, comma-separated). */
typedef struct { char *name, *text, *rules; } named;
typedef VEC(named) nameds;

/* What only the sources know: parameters and definitions by name. Empty for a .normc. */
typedef struct {
  bool known;
  nameds params, defs;
} source_meta;

typedef struct {
  bc_program old, new;       /* what the two versions say, compared rule by rule */
  norm_rules *rold, *rnew;   /* the same two, loaded from the same bytes, judge the cases */
  norm_judge *jold, *jnew;
  source_meta mold, mnew;
  VEC(uint8_t) tried_old, tried_new;   /* per rule: some case gave it a finding that was not ikke_aktuell */
  const char *date;          /* --dato, or NULL: each case's own */
  size_t ncases;
  bool bad_input;
  VEC(changed_case) changed;
} differ;

/* A change's from and to are a status's rank, in the order the reports list statuses (what
** calls for action first), so that the summary is sorted that way; -1 is no finding. */
static const int rank[] = {
  [NORM_BRUDD] = 0, [NORM_AVVIK] = 1, [NORM_UKJENT] = 2, [NORM_VURDER] = 3, [NORM_BEGRUNNET_AVVIK] = 4,
  [NORM_OPPFYLT] = 5, [NORM_IKKE_AKTUELL] = 6,
};

/* A status by rank as people read it in the text report: «ikke aktuell», «begrunnet avvik». */
static const char *st_name(int s)
{
  static const char *const words[] = { "brudd", "avvik", "ukjent", "vurder", "begrunnet avvik", "oppfylt", "ikke aktuell" };
  return s < 0 ? "ikke noe funn" : words[s];
}

/* The same as norm-resultat/1 writes it. */
static const char *st_key(int s)
{
  static const char *const keys[] = { "brudd", "avvik", "ukjent", "vurder", "begrunnet_avvik", "oppfylt", "ikke_aktuell" };
  return keys[s];
}

/* What the rule set found for (rule, item) in one case, or NULL. */
static const norm_finding *find_same(const norm_finding *fs, size_t n, const char *rule, const char *item)
{
  for (size_t i = 0; i < n; i++) {
    const norm_finding *f = &fs[i];
    if (strcmp(f->rule, rule)) continue;
    if ((f->item == NULL) != (item == NULL) || (item && strcmp(item, f->item))) continue;
    return f;
  }
  return NULL;
}

static void add_change(changed_case *cc, const char *rule, const char *item, int from, int to)
{
  change ch = { xstrdup(rule), item ? xstrdup(item) : NULL, from, to };
  vec_push(&cc->changes, ch);
}

/* Judges the case with one side's judge, keeping its findings; false (said on stderr) when it
** cannot be judged. */
static bool judge(norm_judge *j, const char *name, const char *text, size_t len, const char *date, norm_result *res)
{
  norm_options o = { .date = date, .format = NORM_FORMAT_NONE, .keep = true };
  norm_error err;
  norm_status st = norm_judge_case(j, text, len, &o, res, &err);
  if (st == NORM_ERR_JSON || st == NORM_ERR_CASE) cli_print_case_errors("norm diff", name, norm_judge_problems(j));
  else if (st != NORM_OK) fprintf(stderr, "norm diff: %s: %s\n", name, err.message);
  return st == NORM_OK;
}

static void diff_case(void *ctx, const char *name, const char *text, size_t len)
{
  differ *d = ctx;
  norm_result ro, rn;
  /* both by the date the old one used: its own, or today's, read once */
  if (!judge(d->jold, name, text, len, d->date, &ro) || !judge(d->jnew, name, text, len, ro.date, &rn)) {
    d->bad_input = true;
    return;
  }
  d->ncases++;
  const norm_finding *fo, *fn;
  size_t no, nn;
  norm_error err;
  if (norm_judge_findings(d->jold, &fo, &no, &err) != NORM_OK || norm_judge_findings(d->jnew, &fn, &nn, &err) != NORM_OK) {
    fprintf(stderr, "norm diff: %s: %s\n", name, err.message);
    d->bad_input = true;
    return;
  }
  for (size_t i = 0; i < no; i++)
    if (fo[i].status != NORM_IKKE_AKTUELL) d->tried_old.items[fo[i].rule_index] = 1;
  for (size_t i = 0; i < nn; i++)
    if (fn[i].status != NORM_IKKE_AKTUELL) d->tried_new.items[fn[i].rule_index] = 1;
  changed_case cc = { 0 };
  for (size_t i = 0; i < no; i++) {
    const norm_finding *g = find_same(fn, nn, fo[i].rule, fo[i].item);
    if (!g || g->status != fo[i].status)
      add_change(&cc, fo[i].rule, fo[i].item, rank[fo[i].status], g ? rank[g->status] : -1);
  }
  for (size_t i = 0; i < nn; i++)
    if (!find_same(fo, no, fn[i].rule, fn[i].item)) add_change(&cc, fn[i].rule, fn[i].item, -1, rank[fn[i].status]);
  if (cc.changes.len) {
    cc.name = xstrdup(name);
    cc.sak_id = xstrdup(ro.sak_id);
    vec_push(&d->changed, cc);
  }
}

/* ---- the summary per rule ---- */

typedef VEC(transition) transitions;

static int cmp_transition(const void *a, const void *b)
{
  const transition *x = a, *y = b;
  int c = strcmp(x->rule, y->rule);
  if (c) return c;
  if (x->from != y->from) return x->from - y->from;
  return x->to - y->to;
}

/* A case counts once per (rule, from, to), however many of its items changed that way. */
static void summarize(const differ *d, transitions *out)
{
  for (size_t i = 0; i < d->changed.len; i++) {
    const changed_case *cc = &d->changed.items[i];
    for (size_t j = 0; j < cc->changes.len; j++) {
      const change *ch = &cc->changes.items[j];
      bool dup = false;
      for (size_t k = 0; k < j && !dup; k++) {
        const change *p = &cc->changes.items[k];
        dup = !strcmp(p->rule, ch->rule) && p->from == ch->from && p->to == ch->to;
      }
      if (dup) continue;
      size_t t = 0;
      while (t < out->len && !(!strcmp(out->items[t].rule, ch->rule) && out->items[t].from == ch->from &&
                               out->items[t].to == ch->to))
        t++;
      if (t == out->len) {
        transition n = { ch->rule, ch->from, ch->to, 0 };
        vec_push(out, n);
      }
      out->items[t].cases++;
    }
  }
  if (out->len) qsort(out->items, out->len, sizeof *out->items, cmp_transition);
}

/* ---- rules added, removed, changed ---- */

static int rule_index(const bc_program *p, const char *id)
{
  for (size_t i = 0; i < p->rules.len; i++)
    if (!strcmp(bc_str(p, p->rules.items[i].id), id)) return (int)i;
  return -1;
}

static bool same_strs(const bc_program *a, const bc_program *b, uint32_t x, uint32_t y)
{
  return !strcmp(bc_str(a, x), bc_str(b, y));
}

/* Whether what `write` says of x in a and of y in b is the same bytes: bc_rule_logic for
** whether two versions of a rule decide alike for every case, bc_block_logic for a block. */
static bool same_bytes(void (*write)(const bc_program *, uint32_t, buf *), const bc_program *a, uint32_t x,
                       const bc_program *b, uint32_t y)
{
  buf bx, by;
  buf_init(&bx);
  buf_init(&by);
  write(a, x, &bx);
  write(b, y, &by);
  bool same = bx.len == by.len && !memcmp(bx.data, by.data, bx.len);
  buf_free(&bx);
  buf_free(&by);
  return same;
}

/* The fields that differ between two versions of a rule, comma-separated; true when one of
** them is one a finding depends on (strength, validity, the check, documentation types). */
static bool meta_diff(const bc_program *a, const bc_rule *x, const bc_program *b, const bc_rule *y, buf *out)
{
  bool decides = false;
  if (x->strength != y->strength) buf_puts(out, "styrke, ");
  if (!same_strs(a, b, x->title, y->title)) buf_puts(out, "tittel, ");
  if (!same_bytes(bc_block_logic, a, x->message, b, y->message) ||
      !same_bytes(bc_block_logic, a, x->message_ok, b, y->message_ok))
    buf_puts(out, "melding, ");
  if (!same_strs(a, b, x->quote, y->quote)) buf_puts(out, "sitat, ");
  bool src = x->sources.len == y->sources.len;
  for (size_t i = 0; src && i < x->sources.len; i++) src = same_strs(a, b, x->sources.items[i], y->sources.items[i]);
  if (!src) buf_puts(out, "kilder, ");
  if (x->from != y->from || x->to != y->to || a->guides.items[x->guide].from != b->guides.items[y->guide].from ||
      a->guides.items[x->guide].to != b->guides.items[y->guide].to)
    buf_puts(out, "gyldighet, ");
  if (!same_strs(a, b, x->check_text, y->check_text)) buf_puts(out, "krav-uttrykk, ");
  decides = out->len && (x->strength != y->strength || strstr(out->data, "gyldighet") || strstr(out->data, "krav-uttrykk"));
  bool docs = x->docs.len == y->docs.len;
  for (size_t i = 0; docs && i < x->docs.len; i++)
    docs = same_strs(a, b, x->docs.items[i].type, y->docs.items[i].type) &&
           same_strs(a, b, x->docs.items[i].text, y->docs.items[i].text) && x->docs.items[i].on_deviation == y->docs.items[i].on_deviation;
  if (!docs) buf_puts(out, "dokumentasjonspunkter, ");
  decides |= !docs;
  if (out->len >= 2) out->data[out->len -= 2] = 0;
  return decides;
}

/* Rules added, removed, or whose metadata changed: computed once, read by both outputs
** and the exit status. Ids point into the programs; `fields` are owned. */
typedef struct { const char *id, *title; char *fields; bool logic, untried; } rule_change;
typedef VEC(rule_change) rule_changes;
typedef struct { rule_changes added, removed, meta; size_t logic, untried; } rules_diff;

typedef struct { const named *old, *new; } named_change;
typedef VEC(named_change) named_changes;

static bool lists_rule(const char *rules, const char *id)
{
  size_t n = strlen(id);
  for (const char *at = strstr(rules, id); at; at = strstr(at + 1, id))
    if ((at == rules || at[-1] == ' ') && (at[n] == ',' || !at[n])) return true;
  return false;
}

/* The changed parameters and definitions a rule reaches, as reasons for its new logic. */
static void reasons(const named_changes *l, const char *what, const char *id, buf *out)
{
  for (size_t i = 0; i < l->len; i++) {
    const named *n = l->items[i].new ? l->items[i].new : l->items[i].old;
    if (lists_rule(n->rules, id) || (l->items[i].old && lists_rule(l->items[i].old->rules, id)))
      buf_printf(out, "%s%s %s", out->len ? ", " : "", what, n->name);
  }
}

static void compare_rules(const differ *d, const named_changes *params, const named_changes *defs, rules_diff *out)
{
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < d->new.rules.len; i++) {
    const bc_rule *y = &d->new.rules.items[i];
    rule_change rc = { bc_str(&d->new, y->id), bc_str(&d->new, y->title), NULL, false, false };
    int k = rule_index(&d->old, rc.id);
    if (k < 0) {
      vec_push(&out->added, rc);
      continue;
    }
    buf m;
    buf_init(&m);
    bool explained = meta_diff(&d->old, &d->old.rules.items[k], &d->new, y, &m);
    rc.logic = !same_bytes(bc_rule_logic, &d->old, (uint32_t)k, &d->new, (uint32_t)i);
    if (rc.logic) {
      size_t own = m.len;
      reasons(params, "parameteren", rc.id, &m);
      reasons(defs, "definisjonen", rc.id, &m);
      if (m.len == own && !explained)
        buf_printf(&m, "%svilkår (når, unntak, filter eller retningslinjens gjelder_når)", m.len ? ", " : "");
    }
    if (m.len) {
      rc.fields = buf_take(&m);
      rc.untried = rc.logic && !d->tried_old.items[k] && !d->tried_new.items[i];
      out->logic += rc.logic;
      out->untried += rc.untried;
      vec_push(&out->meta, rc);
    }
    buf_free(&m);
  }
  for (size_t i = 0; i < d->old.rules.len; i++) {
    const bc_rule *x = &d->old.rules.items[i];
    rule_change rc = { bc_str(&d->old, x->id), bc_str(&d->old, x->title), NULL, false, false };
    if (rule_index(&d->new, rc.id) < 0) vec_push(&out->removed, rc);
  }
}

static void rules_diff_free(rules_diff *r)
{
  for (size_t i = 0; i < r->meta.len; i++) free(r->meta.items[i].fields);
  vec_free(&r->added);
  vec_free(&r->removed);
  vec_free(&r->meta);
}

/* ---- parameters, definitions and guidelines ---- */
/* One parameter or definition that differs: old or new is NULL when it was added or removed
** (named_change, declared above). */

/* Source text with runs of white space as one space, so a reformatted file changes nothing. */
static char *flat_text(const srcset *src, srcloc loc)
{
  char *t = src_span(src, loc);
  size_t n = 0;
  bool space = false;
  for (const char *q = t; *q; q++) {
    if (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r') { space = n > 0; continue; }
    if (space) t[n++] = ' ';
    space = false;
    t[n++] = *q;
  }
  t[n] = 0;
  return t;
}

static bool uses_param(const ast_uses *u, const ast_param *p)
{
  for (size_t i = 0; i < u->params.len; i++)
    if (u->params.items[i] == p) return true;
  return false;
}

static bool uses_def(const ast_uses *u, const ast_def *d)
{
  for (size_t i = 0; i < u->defs.len; i++)
    if (u->defs.items[i] == d) return true;
  return false;
}

/* The rules that reach a parameter or definition, through their own text, definitions or
** their guideline's condition (as semantic analysis recorded it). */
static char *reaching(const ast_unit *u, const ast_param *p, const ast_def *def)
{
  buf b;
  buf_init(&b);
  for (size_t g = 0; g < u->guidelines.len; g++) {
    const ast_guideline *gl = u->guidelines.items[g];
    bool all = p ? uses_param(&gl->uses, p) : uses_def(&gl->uses, def);
    for (size_t i = 0; i < gl->rules.len; i++) {
      const ast_rule *r = gl->rules.items[i];
      if (!all && !(p ? uses_param(&r->uses, p) : uses_def(&r->uses, def))) continue;
      if (!b.data || !lists_rule(b.data, r->id)) buf_printf(&b, "%s%s", b.len ? ", " : "", r->id);
    }
  }
  return b.data ? buf_take(&b) : xstrdup("");
}

static void collect_meta(void *ctx, ast_unit *u, const bc_program *p)
{
  (void)p;
  source_meta *m = ctx;
  m->known = true;
  for (size_t i = 0; i < u->params.len; i++) {
    const ast_param *q = u->params.items[i];
    named n = { xstrdup(q->name), flat_text(u->src, q->value->loc), reaching(u, q, NULL) };
    vec_push(&m->params, n);
  }
  for (size_t i = 0; i < u->defs.len; i++) {
    const ast_def *q = u->defs.items[i];
    buf t;
    buf_init(&t);
    buf_puts(&t, q->name);
    if (q->params.len) {
      buf_putc(&t, '(');
      for (size_t k = 0; k < q->params.len; k++) buf_printf(&t, "%s%s", k ? ", " : "", q->params.items[k]);
      buf_putc(&t, ')');
    }
    char *body = flat_text(u->src, q->body->loc);
    buf_printf(&t, " = %s", body);
    free(body);
    named n = { xstrdup(q->name), buf_take(&t), reaching(u, NULL, q) };
    vec_push(&m->defs, n);
  }
}

static void meta_free(source_meta *m)
{
  nameds *lists[2] = { &m->params, &m->defs };
  for (int l = 0; l < 2; l++) {
    for (size_t i = 0; i < lists[l]->len; i++) {
      free(lists[l]->items[i].name);
      free(lists[l]->items[i].text);
      free(lists[l]->items[i].rules);
    }
    vec_free(lists[l]);
  }
}

/* A rule set from sources (with its parameters and definitions by name) or a .normc: the
** program to compare, and the same bytes loaded through the library to judge cases with. */
static bool load_side(const char *path, bc_program *p, norm_rules **rules, source_meta *m, bool color)
{
  memset(m, 0, sizeof *m);
  *rules = NULL;
  buf bytes;
  buf_init(&bytes);
  bool ok;
  if (str_has_suffix(path, ".normc")) {
    ok = fe_load_ruleset_image(path, p, &bytes, stderr, color);
  } else {
    srcset src;
    src_init(&src);
    const char *paths[1] = { path };
    ok = fe_analyze(&src, paths, 1, &bytes, collect_meta, m);
    diag_print_all(&src, stderr, color);
    src_free(&src);
    if (ok) {
      char *why = NULL;
      ok = bcf_load((const uint8_t *)bytes.data, bytes.len, p, &why);
      if (!ok) fprintf(stderr, "norm: %s: regelsettet avvises: %s\n", path, why);
      free(why);
    }
  }
  norm_error err;
  if (ok && norm_rules_load_normc(bytes.data, bytes.len, rules, &err) != NORM_OK) {
    fprintf(stderr, "norm: %s: regelsettet avvises: %s\n", path, err.message);
    bc_free(p);
    ok = false;
  }
  buf_free(&bytes);
  return ok;
}

static const named *find_named(const nameds *l, const char *name)
{
  for (size_t i = 0; i < l->len; i++)
    if (!strcmp(l->items[i].name, name)) return &l->items[i];
  return NULL;
}

static void compare_named(const nameds *old, const nameds *new, named_changes *out)
{
  for (size_t i = 0; i < new->len; i++) {
    const named *o = find_named(old, new->items[i].name);
    if (!o || strcmp(o->text, new->items[i].text)) {
      named_change c = { o, &new->items[i] };
      vec_push(out, c);
    }
  }
  for (size_t i = 0; i < old->len; i++)
    if (!find_named(new, old->items[i].name)) {
      named_change c = { &old->items[i], NULL };
      vec_push(out, c);
    }
}

/* A guideline's fields that differ ("versjon «1» → «2»; …"), for guidelines in both. */
typedef struct { const char *id; char *fields; } guide_change;
typedef VEC(guide_change) guide_changes;

static void str_field(buf *b, const char *what, const bc_program *a, uint32_t x, const bc_program *c, uint32_t y)
{
  if (!strcmp(bc_str(a, x), bc_str(c, y))) return;
  buf_printf(b, "%s%s «%s» → «%s»", b->len ? "; " : "", what, bc_str(a, x), bc_str(c, y));
}

static void date_field(buf *b, const char *what, int32_t x, int32_t y)
{
  if (x == y) return;
  char dx[16] = "–", dy[16] = "–";
  if (x != INT32_MIN && x != INT32_MAX) date_format_nb(x, dx);
  if (y != INT32_MIN && y != INT32_MAX) date_format_nb(y, dy);
  buf_printf(b, "%s%s %s → %s", b->len ? "; " : "", what, dx, dy);
}

static void compare_guides(const differ *d, guide_changes *out)
{
  for (size_t i = 0; i < d->new.guides.len; i++) {
    const bc_guide *y = &d->new.guides.items[i];
    const bc_guide *x = NULL;
    /* the same id and the same start of validity: one version of one guideline */
    for (size_t k = 0; k < d->old.guides.len && !x; k++)
      if (same_strs(&d->old, &d->new, d->old.guides.items[k].id, y->id) && d->old.guides.items[k].from == y->from)
        x = &d->old.guides.items[k];
    for (size_t k = 0; k < d->old.guides.len && !x; k++)
      if (same_strs(&d->old, &d->new, d->old.guides.items[k].id, y->id)) x = &d->old.guides.items[k];
    if (!x) continue;
    buf b;
    buf_init(&b);
    str_field(&b, "tittel", &d->old, x->title, &d->new, y->title);
    str_field(&b, "utgiver", &d->old, x->publisher, &d->new, y->publisher);
    str_field(&b, "dokument", &d->old, x->document, &d->new, y->document);
    str_field(&b, "versjon", &d->old, x->version, &d->new, y->version);
    date_field(&b, "sist oppdatert", x->updated, y->updated);
    date_field(&b, "gjelder fra", x->from, y->from);
    date_field(&b, "gjelder til", x->to, y->to);
    str_field(&b, "gjelder når", &d->old, x->cond_text, &d->new, y->cond_text);
    if (b.len) {
      guide_change g = { bc_str(&d->new, y->id), buf_take(&b) };
      vec_push(out, g);
    }
    buf_free(&b);
  }
}

/* Everything that differs between the two rule sets, computed once for both outputs and
** the exit status. */
typedef struct {
  rules_diff rules;
  named_changes params, defs;
  guide_changes guides;
} set_diff;

static void set_diff_free(set_diff *s)
{
  rules_diff_free(&s->rules);
  vec_free(&s->params);
  vec_free(&s->defs);
  for (size_t i = 0; i < s->guides.len; i++) free(s->guides.items[i].fields);
  vec_free(&s->guides);
}

/* ---- output ---- */

static void print_named(const char *head, const named_changes *l)
{
  for (size_t i = 0; i < l->len; i++) {
    const named *o = l->items[i].old, *n = l->items[i].new;
    if (!i) puts(head);
    const char *rules = n ? n->rules : o->rules;
    char reach[512];
    snprintf(reach, sizeof reach, "%s%s", *rules ? "brukes av " : "brukes ikke av noen regel", rules);
    if (!o) printf("  %s: lagt til: %s (%s)\n", n->name, n->text, reach);
    else if (!n) printf("  %s: fjernet (var %s; %s)\n", o->name, o->text, reach);
    else printf("  %s: %s → %s (%s)\n", n->name, o->text, n->text, reach);
  }
}

static void print_text(const differ *d, const transitions *ts, const set_diff *sd)
{
  const rules_diff *rd = &sd->rules;
  printf("Gammelt regelsett: %s (sha256 %.12s…)\n", bc_str(&d->old, d->old.name), d->old.sha256_hex);
  printf("Nytt regelsett:    %s (sha256 %.12s…)\n", bc_str(&d->new, d->new.name), d->new.sha256_hex);
  printf("Saker vurdert: %zu; saker med endrede funn: %zu\n", d->ncases, d->changed.len);
  if (ts->len) {
    puts("\nEndringer per regel:");
    for (size_t i = 0; i < ts->len; i++)
      printf("  %s: %zu %s %s → %s\n", ts->items[i].rule, ts->items[i].cases, ts->items[i].cases == 1 ? "sak" : "saker",
             st_name(ts->items[i].from), st_name(ts->items[i].to));
  }
  print_named("\nParametere endret:", &sd->params);
  print_named("\nDefinisjoner endret:", &sd->defs);
  if (!d->mold.known || !d->mnew.known)
    puts("\n(Parametere og definisjoner sammenlignes bare fra kildene; et .normc-regelsett har dem ikke\n"
         "med navn. Endringene deres vises likevel som endret logikk i reglene som bruker dem.)");
  for (size_t i = 0; i < sd->guides.len; i++) {
    if (!i) puts("\nRetningslinjer endret:");
    printf("  %s: %s\n", sd->guides.items[i].id, sd->guides.items[i].fields);
  }
  static const char *const heads[2] = { "\nRegler lagt til:", "\nRegler fjernet:" };
  const rule_changes *lists[2] = { &rd->added, &rd->removed };
  for (int l = 0; l < 2; l++)
    for (size_t i = 0; i < lists[l]->len; i++) {
      if (!i) puts(heads[l]);
      printf("  %s – %s\n", lists[l]->items[i].id, lists[l]->items[i].title);
    }
  for (int logic = 1; logic >= 0; logic--) {
    bool first = true;
    for (size_t i = 0; i < rd->meta.len; i++) {
      const rule_change *rc = &rd->meta.items[i];
      if (rc->logic != (bool)logic) continue;
      if (first) puts(logic ? "\nRegler med endret logikk (kan gi andre funn):" : "\nRegler med endrede tekster (gir ingen andre funn):");
      first = false;
      printf("  %s: %s\n", rc->id, rc->fields);
    }
  }
  for (size_t i = 0; i < rd->meta.len; i++)
    if (rd->meta.items[i].untried)
      printf("\nADVARSEL: %s er endret, men korpuset (%zu %s) prøver den ikke: den er ikke aktuell i %s;\n"
             "  legg til saker der den gjelder for å se hva endringen gjør.\n", rd->meta.items[i].id, d->ncases,
             d->ncases == 1 ? "sak" : "saker", d->ncases == 1 ? "saken" : "noen av dem");
  if (d->changed.len) puts("\nEndrede saker:");
  for (size_t i = 0; i < d->changed.len; i++) {
    const changed_case *cc = &d->changed.items[i];
    printf("  %s (%s)\n", cc->sak_id, cc->name);
    for (size_t j = 0; j < cc->changes.len; j++) {
      const change *ch = &cc->changes.items[j];
      printf("    %s%s%s: %s → %s\n", ch->rule, ch->item ? " " : "", ch->item ? ch->item : "", st_name(ch->from),
             st_name(ch->to));
    }
  }
}

static json_t *js_status(int s) { return s < 0 ? json_null() : json_string(st_key(s)); }

static json_t *js_ruleset(const bc_program *p)
{
  return json_pack("{s:s, s:s}", "navn", bc_str(p, p->name), "sha256", p->sha256_hex);
}

static json_t *js_named(const named_changes *l)
{
  json_t *a = json_array();
  for (size_t i = 0; i < l->len; i++) {
    const named *o = l->items[i].old, *n = l->items[i].new;
    json_t *rules = json_array();
    const char *list = n ? n->rules : o->rules;
    while (*list) {
      size_t k = strcspn(list, ",");
      json_array_append_new(rules, json_stringn(list, k));
      list += k;
      while (*list == ',' || *list == ' ') list++;
    }
    json_array_append_new(a, json_pack("{s:s, s:s?, s:s?, s:o}", "navn", n ? n->name : o->name, "gammel", o ? o->text : NULL,
                                       "ny", n ? n->text : NULL, "regler", rules));
  }
  return a;
}

static void print_json(const differ *d, const transitions *ts, const set_diff *sd)
{
  const rules_diff *rd = &sd->rules;
  json_t *root = json_object();
  json_object_set_new(root, "format", json_string("norm-diff/1"));
  json_object_set_new(root, "gammel", js_ruleset(&d->old));
  json_object_set_new(root, "ny", js_ruleset(&d->new));
  json_object_set_new(root, "saker", json_integer((json_int_t)d->ncases));
  json_object_set_new(root, "endrede_saker", json_integer((json_int_t)d->changed.len));
  json_t *per = json_array();
  for (size_t i = 0; i < ts->len; i++)
    json_array_append_new(per, json_pack("{s:s, s:o, s:o, s:I}", "regel", ts->items[i].rule, "fra",
                                         js_status(ts->items[i].from), "til", js_status(ts->items[i].to), "saker",
                                         (json_int_t)ts->items[i].cases));
  json_object_set_new(root, "per_regel", per);
  json_t *added = json_array(), *removed = json_array(), *meta = json_array();
  for (size_t i = 0; i < rd->added.len; i++) json_array_append_new(added, json_string(rd->added.items[i].id));
  for (size_t i = 0; i < rd->removed.len; i++) json_array_append_new(removed, json_string(rd->removed.items[i].id));
  json_t *warnings = json_array();
  for (size_t i = 0; i < rd->meta.len; i++) {
    const rule_change *rc = &rd->meta.items[i];
    json_array_append_new(meta, json_pack("{s:s, s:s, s:b, s:b}", "regel", rc->id, "felt", rc->fields, "logikk", rc->logic,
                                          "ikke_provd", rc->untried));
    if (rc->untried) json_array_append_new(warnings, json_pack("{s:s, s:s}", "regel", rc->id, "melding",
                                                               "endret, men ingen sak i korpuset prøver den"));
  }
  json_object_set_new(root, "lagt_til", added);
  json_object_set_new(root, "fjernet", removed);
  json_object_set_new(root, "endret_metadata", meta);
  json_object_set_new(root, "parametere", js_named(&sd->params));
  json_object_set_new(root, "definisjoner", js_named(&sd->defs));
  json_object_set_new(root, "kilder_sammenlignet", json_boolean(d->mold.known && d->mnew.known));
  json_t *guides = json_array();
  for (size_t i = 0; i < sd->guides.len; i++)
    json_array_append_new(guides, json_pack("{s:s, s:s}", "id", sd->guides.items[i].id, "felt", sd->guides.items[i].fields));
  json_object_set_new(root, "retningslinjer", guides);
  json_object_set_new(root, "advarsler", warnings);
  json_object_set_new(root, "kan_endre_funn", json_boolean(d->changed.len || rd->added.len || rd->removed.len || rd->logic));
  json_t *cases = json_array();
  for (size_t i = 0; i < d->changed.len; i++) {
    const changed_case *cc = &d->changed.items[i];
    json_t *fs = json_array();
    for (size_t j = 0; j < cc->changes.len; j++) {
      const change *ch = &cc->changes.items[j];
      json_t *o = json_pack("{s:s}", "regel", ch->rule);
      if (ch->item) json_object_set_new(o, "gjelder", json_string(ch->item));
      json_object_set_new(o, "fra", js_status(ch->from));
      json_object_set_new(o, "til", js_status(ch->to));
      json_array_append_new(fs, o);
    }
    json_array_append_new(cases, json_pack("{s:s, s:s, s:o}", "sak_id", cc->sak_id, "kilde", cc->name, "funn", fs));
  }
  json_object_set_new(root, "saker_endret", cases);
  char *s = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
  puts(s);
  free(s);
  json_decref(root);
}

static void differ_free(differ *d)
{
  for (size_t i = 0; i < d->changed.len; i++) {
    changed_case *cc = &d->changed.items[i];
    for (size_t j = 0; j < cc->changes.len; j++) {
      free(cc->changes.items[j].rule);
      free(cc->changes.items[j].item);
    }
    vec_free(&cc->changes);
    free(cc->name);
    free(cc->sak_id);
  }
  vec_free(&d->changed);
}

int cmd_diff(int argc, char **argv)
{
  static const struct option opts[] = {
    { "dato", required_argument, 0, 'd' }, { "format", required_argument, 0, 'f' },
    { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
  };
  differ d;
  memset(&d, 0, sizeof d);
  const char *format = "text";
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'd': {
      int32_t day;
      if (!date_parse(optarg, strlen(optarg), &day)) return cli_usage_error("diff", "--dato «%s» er ikke en gyldig dato (ÅÅÅÅ-MM-DD)", optarg);
      d.date = optarg;
      break;
    }
    case 'f': format = optarg; break;
    case 'h': fputs(usage_diff, stdout); return EXIT_CLEAN;
    default: return cli_usage_error("diff", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  if (!cli_is_text(format) && strcmp(format, "json"))
    return cli_usage_error("diff", "--format må være text eller json, ikke «%s»", format);
  if (argc - optind < 3) return cli_usage_error("diff", "%s", "trenger GAMMEL, NY og minst én saksmappe");
  bool color = cli_use_color("auto", stderr);
  if (!load_side(argv[optind], &d.old, &d.rold, &d.mold, color)) {
    meta_free(&d.mold);
    return EXIT_USAGE;
  }
  if (!load_side(argv[optind + 1], &d.new, &d.rnew, &d.mnew, color)) {
    meta_free(&d.mold);
    meta_free(&d.mnew);
    bc_free(&d.old);
    norm_rules_free(d.rold);
    return EXIT_USAGE;
  }
  for (size_t i = 0; i < d.old.rules.len; i++) vec_push(&d.tried_old, 0);
  for (size_t i = 0; i < d.new.rules.len; i++) vec_push(&d.tried_new, 0);
  if (!(d.jold = norm_judge_new(d.rold)) || !(d.jnew = norm_judge_new(d.rnew))) oom_raise();
  for (int i = optind + 2; i < argc; i++)
    if (!cli_each_case(argv[i], diff_case, &d)) d.bad_input = true;
  transitions ts = { 0 };
  summarize(&d, &ts);
  set_diff sd;
  memset(&sd, 0, sizeof sd);
  if (d.mold.known && d.mnew.known) {
    compare_named(&d.mold.params, &d.mnew.params, &sd.params);
    compare_named(&d.mold.defs, &d.mnew.defs, &sd.defs);
  }
  compare_rules(&d, &sd.params, &sd.defs, &sd.rules);
  compare_guides(&d, &sd.guides);
  if (!strcmp(format, "json")) print_json(&d, &ts, &sd);
  else print_text(&d, &ts, &sd);
  /* 1 when some case could be judged differently: a changed finding in the corpus, a rule
  ** added or removed, or a rule whose logic changed (bc_rule_logic); texts alone give 0. */
  bool can_change = d.changed.len || sd.rules.added.len || sd.rules.removed.len || sd.rules.logic;
  set_diff_free(&sd);
  meta_free(&d.mold);
  meta_free(&d.mnew);
  vec_free(&d.tried_old);
  vec_free(&d.tried_new);
  int status = d.bad_input ? EXIT_USAGE : can_change ? EXIT_FINDINGS : EXIT_CLEAN;
  vec_free(&ts);
  differ_free(&d);
  norm_judge_free(d.jold);
  norm_judge_free(d.jnew);
  norm_rules_free(d.rold);
  norm_rules_free(d.rnew);
  bc_free(&d.old);
  bc_free(&d.new);
  return status;
}

/*
** The evaluation driver. Status follows the catalogue's conventions: a rule applies
** when its guideline's condition, its own scope and the absence of an exception all
** hold (Kleene og): false → ikke_aktuell, unknown → ukjent, true → the check decides.
*/
#include "eval.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "jsonw.h"
#include "words.h"

#define FSTATUS_NAMES(X) X("brudd"), X("avvik"), X("ukjent"), X("vurder"), X("begrunnet_avvik"), X("oppfylt"), X("ikke_aktuell")
#define NAME(n) n
#define VALUE(n) { "\"" n "\"", sizeof "\"" n "\"" - 1 }
#define KEY(n) { "\"" n "\":", sizeof "\"" n "\":" - 1 }
const char *const fstatus_name[F__COUNT] = { FSTATUS_NAMES(NAME) };
const fstatus_json fstatus_value[F__COUNT] = { FSTATUS_NAMES(VALUE) };
const fstatus_json fstatus_key[F__COUNT] = { FSTATUS_NAMES(KEY) };
#undef NAME
#undef VALUE
#undef KEY
const char *const fstatus_label[F__COUNT] = {
  "Brudd", "Avvik", "Ukjent", "Vurder", "Begrunnet avvik", "Oppfylt", "Ikke aktuell",
};

/* A message made once and pointed at: a rule's «TITTEL: oppfylt.» (eval_spare), the message of
** a rule or guideline not in force on the case's date. */
struct eval_words { const char *s; uint32_t len; bool plain; };

typedef struct {
  vm *m;
  const bc_program *p;
  const ncase *c;
  result *r;
  int *guide_truth;          /* per guideline: its condition on this case, evaluated once */
  size_t *guide_shared;      /* per guideline that does not apply: its first rule's finding,
                                whose trace the guideline's other rules share (an index + 1
                                into the findings, 0 for none: the vector moves) */
  struct eval_words *off;    /* per guideline, and one more for a rule: the message of a
                                finding not in force on the case's date (not_in_force) */
  buf scratch, text, name;   /* a fact's path; a message being made; a fact's name */
  bool full;                 /* EVAL_FULL: traces, messages and documentation points too */
  eval_spare *spare;         /* or NULL */
} evaluator;

static void fail(evaluator *e, vm_status s, uint32_t rule)
{
  if (e->r->error != VM_OK) return;
  e->r->error = s;
  e->r->error_rule = xstrdup(rule == BC_NONE ? "" : bc_str(e->p, e->p->rules.items[rule].id));
}

/* Whether judging must stop: an error, or the next finding would be one too many. */
static bool stopped(evaluator *e, uint32_t rule)
{
  if (e->r->error == VM_OK && e->r->findings.len >= EVAL_MAX_FINDINGS) fail(e, VM_ERR_FINDINGS, rule);
  return e->r->error != VM_OK;
}

static bool run(evaluator *e, uint32_t block, value *out, uint32_t rule)
{
  if (block == BC_NONE) { *out = v_bool(true); return true; }
  vm_status s = vm_run(e->m, block, out);
  if (s != VM_OK) {
    fail(e, s, rule);
    *out = v_unknown();
    return false;
  }
  return true;
}

/* A fact's JSON path, made once per case however many findings read it (why_text). */
static void make_fact_path(evaluator *e, const nrec *rec, uint32_t field)
{
  const char **slot = &e->r->fact_path[rec->fact + field];
  if (!*slot) *slot = case_path_in(e->p, rec, field, &e->r->mem);
}

/* The trace goes into the result's arena as the VM recorded it, in one piece of the size it
** has: a finding's why is made once and never grows (result_free leaves it to the arena).
** The paths of the facts it read are made now, once per case; the rest of what an entry
** names is the program's (why_text). */
static void take_trace(evaluator *e, finding *f)
{
  if (!e->full) return;
  size_t n;
  const trace_entry *t = vm_trace(e->m, &n);
  uint32_t more = vm_trace_more(e->m);
  f->why.cap = n + (more != 0);
  if (!f->why.cap) return;
  /* (not zeroed: every entry is written whole below) */
  f->why.items = arena_alloc_raw(&e->r->mem, f->why.cap * sizeof *f->why.items);
  if (n) memcpy(f->why.items, t, n * sizeof *t);
  f->why.len = n;
  for (size_t i = 0; i < n; i++)
    if (t[i].kind == TR_FACT) make_fact_path(e, t[i].rec, t[i].field);
  if (more) {
    char text[96];
    snprintf(text, sizeof text, "regelen leste %u opplysninger til, som ikke er tatt med her", more);
    why_entry w = { .kind = TR_MORE, .text = arena_strndup(&e->r->mem, text, strlen(text)), .cond = more, .v = v_unknown() };
    f->why.items[f->why.len++] = w;
  }
}

const char *why_text(const result *r, const why_entry *w)
{
  const bc_program *p = r->p;
  switch (w->kind) {
  case TR_FACT: return r->fact_path[w->rec->fact + w->field];
  case TR_COND: return bc_str(p, p->conds.items[w->cond].text);
  case TR_GUIDE: return bc_str(p, w->cond);
  case TR_MORE: return w->text;
  default: return w->cond == BC_NONE ? vm_note_text(w) : bc_str(p, w->cond);
  }
}

/* How set_message takes its text: MSG_PLAIN when it is known to go into JSON as it is (so
** the report need not look at it again), MSG_LASTING when it lives as long as the result
** (the evaluator's own words, the rule set's strings, a message in the result's arena
** already) and is pointed at, not copied. */
enum { MSG_PLAIN = 1, MSG_LASTING = 2 };
#define LIT(s) s, sizeof s - 1

static void set_message(evaluator *e, finding *f, const char *s, size_t n, unsigned how)
{
  if (!e->full) return;
#ifdef NORM_ASAN
  assert(!(how & MSG_PLAIN) || jw_plain(s, n));
#endif
  f->message = how & MSG_LASTING ? s : arena_strndup(&e->r->mem, s, n);
  f->message_len = n;
  f->message_plain = (how & MSG_PLAIN) != 0;
}

/* The rule set's string id, pointed at, and whether it is plain. */
static void set_message_str(evaluator *e, finding *f, uint32_t id)
{
  const nstr *t = bc_nstr(e->p, id);
  set_message(e, f, t->s, t->len, MSG_LASTING | (t->plain == 1 ? MSG_PLAIN : 0));
}

/* A rule's messages when it has no words of its own: its title, and «TITLE: oppfylt.». */
static void title_only(evaluator *e, finding *f) { set_message_str(e, f, e->p->rules.items[f->rule].title); }

/* «TITTEL: oppfylt.», made once per rule when the spare keeps it (14 of a case's findings
** with the shipped rules), else once per finding. */
static void title_fulfilled(evaluator *e, finding *f)
{
  const nstr *t = bc_nstr(e->p, e->p->rules.items[f->rule].title);
  eval_spare *sp = e->spare;
  if (sp && sp->words_for != e->p) {         /* (a spare serves one rule set: never in practice) */
    arena_free(&sp->words);
    arena_init(&sp->words);
    sp->fulfilled = arena_alloc(&sp->words, ((size_t)e->p->rules.len + 1) * sizeof *sp->fulfilled);
    sp->words_for = e->p;
  }
  struct eval_words *w = sp ? &sp->fulfilled[f->rule] : NULL;
  if (!w || !w->s) {
    buf_reset(&e->text);
    buf_put(&e->text, t->s, t->len);
    buf_puts(&e->text, ": oppfylt.");
    if (!w) {
      set_message(e, f, e->text.data, e->text.len, t->plain == 1 ? MSG_PLAIN : 0);
      return;
    }
    w->s = arena_strndup(&sp->words, e->text.data, e->text.len);
    w->len = (uint32_t)e->text.len;
    w->plain = t->plain == 1;
  }
  set_message(e, f, w->s, w->len, MSG_LASTING | (w->plain ? MSG_PLAIN : 0));
}

/* The message a rule's block writes, or the fallback made by fill when it has none. */
static void message_of(evaluator *e, finding *f, uint32_t block, void (*fill)(evaluator *, finding *))
{
  if (!e->full) return;
  if (block != BC_NONE) {
    vm_message_reset(e->m);
    vm_trace_enable(e->m, false);
    value ignored;
    run(e, block, &ignored, f->rule);
    vm_trace_enable(e->m, true);
    set_message(e, f, vm_message(e->m), vm_message_len(e->m), vm_message_plain(e->m) ? MSG_PLAIN : 0);
  } else if (fill) {
    fill(e, f);
  }
}

static void missing_message(evaluator *e, finding *f)
{
  if (!e->full) return;
  buf *b = &e->text, *name = &e->name;
  buf_reset(b);
  size_t n = 0;
  for (size_t i = 0; i < f->why.len; i++) {
    const why_entry *w = &f->why.items[i];
    if (w->kind != TR_FACT || w->v.tag != V_UNKNOWN) continue;
    /* the fact by what people call it (the JSON path is in the trace), each name once */
    buf_reset(name);
    words_field(e->p, w->rec->type, w->field, name);
    if (n && list_has(b->data + strlen("Kan ikke vurderes: mangler "), name->data, ", ")) continue;
    buf_puts(b, n++ ? ", " : "Kan ikke vurderes: mangler ");
    buf_puts(b, name->data);
  }
  for (size_t i = 0; i < f->why.len && !n; i++)
    if (f->why.items[i].kind == TR_NOTE) {
      buf_printf(b, "Kan ikke vurderes: %s", why_text(e->r, &f->why.items[i]));
      n++;
    }
  if (!n) buf_puts(b, "Kan ikke vurderes: opplysninger regelen trenger, er ikke registrert");
  buf_puts(b, ".");
  set_message(e, f, b->data, b->len, 0);
}

static const char *item_id(evaluator *e, const nrec *item)
{
  if (!item) return NULL;
  uint32_t f = e->p->records.items[item->type].id_field;
  if (f == BC_NONE || item->fields[f].tag != V_STR) return NULL;
  return item->fields[f].u.str->s;
}

static void add_docs(evaluator *e, finding *f, uint32_t rule, const nrec *item)
{
  if (!e->full) return;
  const bc_rule *r = &e->p->rules.items[rule];
  bool deviates = f->status == F_BRUDD || f->status == F_AVVIK || f->status == F_BEGRUNNET || f->status == F_VURDER;
  for (size_t i = 0; i < r->docs.len; i++) {
    const bc_doc *d = &r->docs.items[i];
    if (f->status == F_IKKE_AKTUELL || (d->on_deviation && !deviates)) continue;
    vm_trace_enable(e->m, false);
    value v;
    run(e, d->check, &v, rule);
    vm_trace_enable(e->m, true);
    docreq q = { rule, (uint32_t)i, item_id(e, item), v_truth(v) == 1 };
    vec_push(&e->r->docs, q);
    vec_push(&f->docs, (uint32_t)(e->r->docs.len - 1));
  }
}

static finding *new_finding(evaluator *e, uint32_t rule, const nrec *item, fstatus s)
{
  finding f;
  memset(&f, 0, sizeof f);
  f.rule = rule;
  f.item = item_id(e, item);
  f.status = s;
  vec_push(&e->r->findings, f);
  return &e->r->findings.items[e->r->findings.len - 1];
}

static void finish(evaluator *e, finding *f, const nrec *item)
{
  e->r->counts[f->status]++;
  add_docs(e, f, f->rule, item);
}

/* A finding decided before the check ran (not in force, not applicable, unknown). */
static void early(evaluator *e, uint32_t rule, const nrec *item, fstatus s, const char *msg, size_t n, unsigned how)
{
  finding *f = new_finding(e, rule, item, s);
  take_trace(e, f);
  if (s == F_UKJENT) missing_message(e, f);
  else set_message(e, f, msg, n, how);
  finish(e, f, item);
}

/* The finding of a rule, or of a rule of guideline g (BC_NONE: of the rule itself), that was
** not in force on the date of the assessment. Its message is the same for every rule of the
** guideline (and every rule not in force itself), so it is made once per case and pointed
** at: with every case dated before a rule set's newest rules, that is a message for each of
** their rules, and findings that share it are explained alike (explain_same). Written
** without printf. */
static void not_in_force(evaluator *e, uint32_t rule, uint32_t g)
{
  struct eval_words *m = &e->off[g == BC_NONE ? e->p->guides.len : g];
  if (e->full && !m->s) {
    const nstr *guide = g == BC_NONE ? NULL : bc_nstr(e->p, e->p->guides.items[g].id);
    char d[11];
    date_format_nb(e->r->date, d);
    buf *b = &e->text;
    buf_reset(b);
    if (guide) {
      buf_puts(b, "Ikke aktuell: retningslinjen ");
      buf_put(b, guide->s, guide->len);
      buf_puts(b, " var ikke i kraft på vurderingsdatoen ");
    } else {
      buf_puts(b, "Ikke aktuell: regelen var ikke i kraft på vurderingsdatoen ");
    }
    buf_put(b, d, 10);
    buf_putc(b, '.');
    m->s = arena_strndup(&e->r->mem, b->data, b->len);
    m->len = (uint32_t)b->len;
    m->plain = !guide || guide->plain == 1;
  }
  early(e, rule, NULL, F_IKKE_AKTUELL, m->s, m->len, MSG_LASTING | (m->plain ? MSG_PLAIN : 0));
}

static void judge_item(evaluator *e, uint32_t rule, const nrec *item, int guide)
{
  const bc_rule *r = &e->p->rules.items[rule];
  value scope, exc, check;
  run(e, r->scope, &scope, rule);
  int applies = guide;
  int s = v_truth(scope);
  applies = applies == 0 || s == 0 ? 0 : applies < 0 || s < 0 ? -1 : 1;
  if (applies != 0 && r->exception != BC_NONE) {
    run(e, r->exception, &exc, rule);
    int x = v_truth(exc);
    applies = x == 1 ? 0 : applies < 0 || x < 0 ? -1 : applies;
    if (x == 1) {
      early(e, rule, item, F_IKKE_AKTUELL, LIT("Ikke aktuell: et unntak i regelen gjelder for denne saken."),
            MSG_PLAIN | MSG_LASTING);
      e->r->findings.items[e->r->findings.len - 1].by_exception = true;
      return;
    }
  }
  if (applies == 0) {
    early(e, rule, item, F_IKKE_AKTUELL, LIT("Ikke aktuell: regelens vilkår for når den gjelder, er ikke oppfylt."),
          MSG_PLAIN | MSG_LASTING);
    return;
  }
  if (applies < 0) {
    early(e, rule, item, F_UKJENT, NULL, 0, 0);
    return;
  }
  run(e, r->check, &check, rule);
  int t = v_truth(check);
  fstatus st;
  if (t < 0) st = F_UKJENT;
  else if (t == 1) st = F_OPPFYLT;
  else if (r->strength == ST_KRAV) st = F_BRUDD;
  else if (r->strength == ST_KAN) st = F_VURDER;
  else {
    value j = v_bool(false);
    if (e->p->justified != BC_NONE) run(e, e->p->justified, &j, rule);
    st = v_truth(j) == 1 ? F_BEGRUNNET : F_AVVIK;
  }
  finding *f = new_finding(e, rule, item, st);
  take_trace(e, f);
  if (st == F_UKJENT) {
    missing_message(e, f);
  } else if (st == F_OPPFYLT) {
    message_of(e, f, r->message_ok, title_fulfilled);   /* the rule's own words, when it has them */
  } else {
    message_of(e, f, r->message, title_only);
    if (st == F_BEGRUNNET && f->message) {
      static const char justified[] = " Avviket er begrunnet i saksmappen.";
      size_t n = f->message_len;
      char *m = arena_alloc_raw(&e->r->mem, n + sizeof justified);
      memcpy(m, f->message, n);
      memcpy(m + n, justified, sizeof justified);
      f->message = m;
      f->message_len = n + sizeof justified - 1;   /* (as plain as it was) */
    }
  }
  finish(e, f, item);
}

/* Starts a finding's trace with the guideline's condition: its value when it holds,
** or the whole evaluation (facts read) when it does not, so the reason is visible. Its
** value is known already (guide_truth): without a trace to make, or coverage to record,
** it is not worked out again. */
static int guide_begin(evaluator *e, uint32_t rule)
{
  const bc_guide *g = &e->p->guides.items[e->p->rules.items[rule].guide];
  int t = e->guide_truth[e->p->rules.items[rule].guide];
  if (g->cond == BC_NONE) return 1;
  if (t == 1) {
    vm_trace_guide(e->m, g->cond_text, v_bool(true));
  } else if (e->full || vm_covering(e->m)) {
    value v;
    run(e, g->cond, &v, rule);
  }
  return t;
}

/* Whether some item of the list may be in the rule's scope: its filter is not false.
** The trace keeps what the filters read, so a finding says why. */
static bool any_in_scope(evaluator *e, uint32_t rule, const nlist *list)
{
  const bc_rule *r = &e->p->rules.items[rule];
  bool any = false;
  for (uint32_t i = 0; i < list->n && !any; i++) {
    value item = list->items[i];
    vm_set_rule(e->m, rule, item.tag == V_REC ? item.u.rec : NULL);
    vm_set_local(e->m, r->var_local, item);
    value fv = v_bool(true);
    run(e, r->filter, &fv, rule);
    any = v_truth(fv) != 0;
  }
  vm_set_rule(e->m, rule, NULL);
  return any;
}

static void judge_rule(evaluator *e, uint32_t rule)
{
  const bc_rule *r = &e->p->rules.items[rule];
  if (stopped(e, rule)) return;
  vm_set_rule(e->m, rule, NULL);
  vm_trace_begin(e->m);
  if (e->r->date < r->from || e->r->date > r->to) {
    not_in_force(e, rule, BC_NONE);
    return;
  }
  /* The guideline does not apply: each of its rules gets the same finding, with the same
  ** trace (the guideline's condition, worked out once). */
  static const char not_applicable[] = "Ikke aktuell: retningslinjen gjelder ikke for denne saken.";
  uint32_t g = r->guide;
  size_t shared = e->guide_truth[g] == 0 && !vm_covering(e->m) ? e->guide_shared[g] : 0;
  if (shared) {
    finding *f = new_finding(e, rule, NULL, F_IKKE_AKTUELL);
    const finding *first = &e->r->findings.items[shared - 1];
    f->why = first->why;                     /* read only, in the result's arena */
    f->why.cap = 0;
    f->message = first->message;
    f->message_len = first->message_len;
    f->message_plain = first->message_plain;
    finish(e, f, NULL);
    return;
  }
  int guide = guide_begin(e, rule);
  if (guide == 0) {
    early(e, rule, NULL, F_IKKE_AKTUELL, LIT(not_applicable), MSG_PLAIN | MSG_LASTING);
    e->guide_shared[g] = e->r->findings.len;
    return;
  }
  if (r->coll == BC_NONE) {
    judge_item(e, rule, NULL, guide);
    return;
  }
  value list;
  run(e, r->coll, &list, rule);
  if (list.tag != V_LIST) {
    early(e, rule, NULL, F_UKJENT, NULL, 0, 0);
    return;
  }
  if (guide < 0) {
    /* Unknown whether the guideline applies: one ukjent for the case, unless no item is in
    ** the rule's scope, for then the rule applies to nothing (false og ukjent is false). */
    early(e, rule, NULL, any_in_scope(e, rule, list.u.list) ? F_UKJENT : F_IKKE_AKTUELL,
          LIT("Ikke aktuell: saken har ingen elementer regelen gjelder for."), MSG_PLAIN | MSG_LASTING);
    return;
  }
  size_t before = e->r->findings.len;
  for (uint32_t i = 0; i < list.u.list->n && !stopped(e, rule); i++) {
    value item = list.u.list->items[i];
    const nrec *rec = item.tag == V_REC ? item.u.rec : NULL;
    vm_set_rule(e->m, rule, rec);
    vm_set_local(e->m, r->var_local, item);
    vm_trace_begin(e->m);
    guide_begin(e, rule);
    value fv = v_bool(true);
    run(e, r->filter, &fv, rule);
    int ft = v_truth(fv);
    if (ft == 0) continue;
    if (ft < 0) { early(e, rule, rec, F_UKJENT, NULL, 0, 0); continue; }
    judge_item(e, rule, rec, guide);
  }
  if (e->r->findings.len == before) {
    vm_set_rule(e->m, rule, NULL);
    vm_trace_begin(e->m);
    guide_begin(e, rule);
    early(e, rule, NULL, F_IKKE_AKTUELL, LIT("Ikke aktuell: saken har ingen elementer regelen gjelder for."),
          MSG_PLAIN | MSG_LASTING);
  }
}

/* Which guideline versions are in force: the one per guideline id whose validity holds. */
static bool guide_in_force(const bc_program *p, uint32_t g, int32_t date)
{
  return p->guides.items[g].from <= date && date <= p->guides.items[g].to;
}


/* A rule of a version not in force is reported (ikke_aktuell) only when no version in
** force has a rule with that id, and only once per id. */
static bool shadowed(const bc_program *p, uint32_t rule, int32_t date)
{
  for (uint32_t i = p->same_id[rule]; i != rule; i = p->same_id[i]) {
    if (guide_in_force(p, p->rules.items[i].guide, date)) return true;
    if (i < rule) return true;
  }
  return false;
}

static void free_evaluator(void *arg)
{
  evaluator *e = arg;
  buf_free(&e->scratch);
  buf_free(&e->text);
  buf_free(&e->name);
}

void eval_case(vm *m, const ncase *c, int32_t date, result *r) { eval_case_detail(m, c, date, r, EVAL_FULL); }

void eval_case_detail(vm *m, const ncase *c, int32_t date, result *r, eval_detail detail)
{
  eval_case_reusing(m, c, date, r, detail, NULL);
}

void eval_case_reusing(vm *m, const ncase *c, int32_t date, result *r, eval_detail detail, eval_spare *spare)
{
  memset(r, 0, sizeof *r);
  if (spare) {                               /* the room result_recycle kept, now the result's */
    r->findings.items = spare->findings;
    r->findings.cap = spare->findings_cap;
    r->docs.items = spare->docs;
    r->docs.cap = spare->docs_cap;
    spare->findings = NULL;
    spare->docs = NULL;
    spare->findings_cap = spare->docs_cap = 0;
  }
  r->p = c->p;
  r->sak_id = c->sak_id;
  r->date = date;
  evaluator e = { m, c->p, c, r, NULL, NULL, NULL, { 0 }, { 0 }, { 0 }, detail == EVAL_FULL, spare };
  oom_cleanup hold;
  oom_push(&hold, free_evaluator, &e);
  arena_init(&r->mem);
  if (spare) arena_adopt(&r->mem, &spare->mem);
  e.guide_truth = arena_alloc(&r->mem, (c->p->guides.len + 1) * sizeof(int));
  e.guide_shared = arena_alloc(&r->mem, (c->p->guides.len + 1) * sizeof *e.guide_shared);
  e.off = arena_alloc(&r->mem, (c->p->guides.len + 1) * sizeof *e.off);
  if (e.full) {
    r->fact_path = arena_alloc(&r->mem, ((size_t)c->nfacts + 1) * sizeof *r->fact_path);
    r->nfacts = c->nfacts;
  }
  vm_set_case(m, c->root, c->nfacts, date);
  vm_trace_enable(m, false);
  for (uint32_t g = 0; g < c->p->guides.len; g++) {
    value v = v_bool(true);
    vm_set_rule(m, 0, NULL);
    vm_cover_guide(m, g);
    if (c->p->guides.items[g].cond != BC_NONE && guide_in_force(c->p, g, date)) run(&e, c->p->guides.items[g].cond, &v, BC_NONE);
    e.guide_truth[g] = v_truth(v);
  }
  vm_trace_enable(m, e.full);
  for (uint32_t i = 0; i < c->p->rules.len; i++) {
    const bc_rule *rule = &c->p->rules.items[i];
    if (stopped(&e, i)) break;
    if (!guide_in_force(c->p, rule->guide, date)) {
      if (shadowed(c->p, i, date)) continue;
      vm_set_rule(m, i, NULL);
      vm_trace_begin(m);
      not_in_force(&e, i, rule->guide);
      continue;
    }
    judge_rule(&e, i);
  }
  oom_pop(&hold);
  free_evaluator(&e);
}

void result_recycle(result *r, eval_spare *spare)
{
  for (size_t i = 0; i < r->findings.len; i++) {
    finding *f = &r->findings.items[i];
    vec_free(&f->docs);                /* (why and message are in the arena) */
  }
  if (spare && !spare->findings) {           /* the room, kept for the next case */
    spare->findings = r->findings.items;
    spare->findings_cap = r->findings.cap;
    r->findings.items = NULL;
  }
  if (spare && !spare->docs) {
    spare->docs = r->docs.items;
    spare->docs_cap = r->docs.cap;
    r->docs.items = NULL;
  }
  vec_free(&r->findings);
  vec_free(&r->docs);
  free(r->error_rule);
  if (spare) arena_recycle(&r->mem, &spare->mem);   /* (which frees what it does not keep) */
  else arena_free(&r->mem);
  memset(r, 0, sizeof *r);
}

void eval_spare_free(eval_spare *s)
{
  arena_free(&s->mem);
  arena_free(&s->words);
  free(s->findings);
  free(s->docs);
  memset(s, 0, sizeof *s);
}

void result_free(result *r) { result_recycle(r, NULL); }

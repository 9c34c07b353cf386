/*
** norm-resultat/1 as JSON (see shared/resultat-1.md), written straight into a buffer
** with the streaming writer: keys in a fixed order, so the same result always gives
** the same bytes.
*/
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "explain.h"
#include "jsonw.h"

static const char *const strength_key[] = { "krav", "bor", "kan" };

/* A piece of JSON made once: where it is in json_reporter.pieces; len 0 is "not made yet". */
typedef struct { uint32_t at, len; } piece;

struct json_reporter {
  const bc_program *p;
  bool paths_plain;          /* every fact's path goes into JSON as it is: a path is the
                                names of the program's fields, dots and [n], and every
                                name is plain (jw_plain) */
  explainer *ex;
  buf scratch;
  buf pieces;                /* every piece made so far, back to back */
  piece *cond;               /* per condition: {"vilkar":"…","verdi": */
  piece *cond_value;         /* per condition and value (sann, usann, ukjent): the whole entry */
  piece *guide_held;         /* per string: a guideline's condition (that text) that held, the
                                whole entry */
  piece *head;               /* per rule: {"regel":"…","styrke":"…","status": */
  piece *title;              /* per rule: "tittel":"…","melding": */
  piece *sources;            /* per rule: "kilder":[…] */
  /* The same, joined where a finding allows (most do): per rule and status, the head with
  ** its status and title, for a finding without an item; per rule, the sources and an
  ** empty dokumentasjonskrav, the finding's end, for one without documentation points. */
  piece *head_title;
  piece *sources_end;
  /* Where the last finding's begrunnelse and forklaring went in this report: a finding that
  ** shares its trace (the rules of a guideline that does not apply, eval.c) gets the same
  ** bytes, copied, not made again, and so does one explained alike (explain_same). */
  const why_entry *why;      /* NULL: nothing to copy */
  size_t why_len, why_at, why_end;
  const finding *expl;       /* whose forklaring is at expl_at; NULL: none */
  size_t expl_at, expl_end;
  /* This report's facts: each fact's entry in begrunnelse ({"fakta":"…","verdi":…}) is made
  ** the first time a finding names it, and copied for every other finding that read it (a
  ** case's values do not change while it is judged). */
  buf facts;
  piece *fact;               /* per fact of the case (result.nfacts), where its entry is in facts */
  size_t fact_cap;
};

void json_reporter_free(json_reporter *j)
{
  if (!j) return;
  explainer_free(j->ex);
  buf_free(&j->scratch);
  buf_free(&j->pieces);
  buf_free(&j->facts);
  free(j->cond);
  free(j->cond_value);
  free(j->guide_held);
  free(j->head);
  free(j->head_title);
  free(j->fact);
  free(j);
}

static void free_reporter(void *j) { json_reporter_free(j); }

json_reporter *json_reporter_new(const bc_program *p)
{
  json_reporter *j = xcalloc(1, sizeof *j);
  oom_cleanup hold;                          /* nothing is left behind if memory runs out */
  oom_push(&hold, free_reporter, j);
  j->p = p;
  buf_init(&j->scratch);
  buf_init(&j->pieces);
  buf_init(&j->facts);
  j->cond = xcalloc(p->conds.len + 1, sizeof *j->cond);
  j->cond_value = xcalloc(3 * (p->conds.len + 1), sizeof *j->cond_value);
  j->guide_held = xcalloc(p->strings.len + 1, sizeof *j->guide_held);
  j->head = xcalloc(4 * (p->rules.len + 1), sizeof *j->head);
  j->title = j->head + p->rules.len + 1;
  j->sources = j->title + p->rules.len + 1;
  j->sources_end = j->sources + p->rules.len + 1;
  j->head_title = xcalloc(F__COUNT * (p->rules.len + 1), sizeof *j->head_title);
  j->ex = explainer_new();
  j->paths_plain = true;
  for (size_t r = 0; r < p->records.len; r++)
    for (size_t f = 0; f < p->records.items[r].fields.len; f++)
      j->paths_plain &= bc_nstr(p, p->records.items[r].fields.items[f].name)->plain == 1;
  oom_pop(&hold);
  return j;
}

/* Marks where a piece starts; done() records it once it is whole (if memory runs out in
** between, what was written of it is never pointed at). */
static uint32_t start(const json_reporter *j) { return (uint32_t)j->pieces.len; }
static void done(json_reporter *j, piece *at, uint32_t from)
{
  at->at = from;
  at->len = (uint32_t)(j->pieces.len - from);
}

static void put_text(buf *b, const bc_program *p, uint32_t id)
{
  const nstr *s = bc_nstr(p, id);
  jw_escape(b, s->s, s->len);
}

/* Condition c's entry up to its value: {"vilkar":"…","verdi": – and with `tail`, the value
** and the closing brace too. */
static const piece *cond_piece_with(json_reporter *j, piece *at, uint32_t c, const char *tail)
{
  if (!at->len) {
    uint32_t from = start(j);
    buf_puts(&j->pieces, "{\"vilkar\":");
    put_text(&j->pieces, j->p, j->p->conds.items[c].text);
    buf_puts(&j->pieces, ",\"verdi\":");
    buf_puts(&j->pieces, tail);
    done(j, at, from);
  }
  return at;
}

static const piece *cond_piece(json_reporter *j, uint32_t c) { return cond_piece_with(j, &j->cond[c], c, ""); }

/* The entry of a guideline's condition, by its text, when it held (as it does when it is in a
** trace: eval.c, guide_begin): {"vilkar":"…","verdi":true}. NULL for any other value. */
static const piece *guide_piece(json_reporter *j, uint32_t text, value v)
{
  if (v.tag != V_BOOL || !v.u.b || text >= j->p->strings.len) return NULL;
  piece *at = &j->guide_held[text];
  if (!at->len) {
    uint32_t from = start(j);
    buf_puts(&j->pieces, "{\"vilkar\":");
    put_text(&j->pieces, j->p, text);
    buf_puts(&j->pieces, ",\"verdi\":true}");
    done(j, at, from);
  }
  return at;
}

/* The whole entry of condition c with value v, when v is sann, usann or ukjent (most are);
** NULL for any other value. */
static const piece *cond_value_piece(json_reporter *j, uint32_t c, value v)
{
  static const char *const tail[] = { "true}", "false}", "null}" };
  unsigned k;
  if (v.tag == V_BOOL) k = v.u.b ? 0 : 1;
  else if (v.tag == V_UNKNOWN) k = 2;
  else return NULL;
  return cond_piece_with(j, &j->cond_value[3 * c + k], c, tail[k]);
}

/* A rule's piece from `table` (head, title, sources or sources_end); head_title is by
** rule and status: head_title_piece. */
static const piece *rule_piece(json_reporter *j, piece *table, uint32_t rule)
{
  piece *at = &table[rule];
  if (at->len) return at;
  const bc_rule *rr = &j->p->rules.items[rule];
  uint32_t from = start(j);
  buf *b = &j->pieces;
  if (table == j->head) {
    buf_puts(b, "{\"regel\":");
    put_text(b, j->p, rr->id);
    buf_puts(b, ",\"styrke\":\"");
    buf_puts(b, strength_key[rr->strength]);
    buf_puts(b, "\",\"status\":");
  } else if (table == j->title) {
    buf_puts(b, "\"tittel\":");
    put_text(b, j->p, rr->title);
    buf_puts(b, ",\"melding\":");
  } else {
    buf_puts(b, "\"kilder\":[");
    for (size_t i = 0; i < rr->sources.len; i++) {
      if (i) buf_putc(b, ',');
      put_text(b, j->p, rr->sources.items[i]);
    }
    buf_puts(b, table == j->sources_end ? "],\"dokumentasjonskrav\":[]" : "]");
  }
  done(j, at, from);
  return at;
}

static const char *piece_text(const json_reporter *j, const piece *at) { return j->pieces.data + at->at; }

/* {"regel":"…","styrke":"…","status":"…","tittel":"…","melding": of a rule and a status. */
static const piece *head_title_piece(json_reporter *j, uint32_t rule, fstatus st)
{
  piece *at = &j->head_title[(size_t)rule * F__COUNT + st];
  if (at->len) return at;
  const piece *head = rule_piece(j, j->head, rule), *title = rule_piece(j, j->title, rule);
  uint32_t from = start(j);
  buf *b = &j->pieces;
  buf_reserve(b, head->len + fstatus_value[st].len + 1 + title->len);   /* (the pieces stay put) */
  buf_put(b, piece_text(j, head), head->len);
  buf_put(b, fstatus_value[st].s, fstatus_value[st].len);
  buf_putc(b, ',');
  buf_put(b, piece_text(j, title), title->len);
  done(j, at, from);
  return at;
}

static void value_json(jsonw *w, const bc_program *p, value v, bool fact, buf *scratch)
{
  switch (v.tag) {
  case V_UNKNOWN:
    if (fact) jw_str(w, "mangler");
    else jw_null(w);
    return;
  case V_BOOL: jw_bool(w, v.u.b); return;
  case V_NUM:
    if (v.u.num == floor(v.u.num) && fabs(v.u.num) < 9e15) jw_int(w, (long long)v.u.num);
    else jw_real(w, v.u.num);
    return;
  case V_STR: jw_strn(w, v.u.str->s, v.u.str->len); return;
  case V_DATE: jw_date(w, v.u.date); return;
  case V_LIST:
    jw_arr(w);
    for (uint32_t i = 0; i < v.u.list->n; i++) value_json(w, p, v.u.list->items[i], fact, scratch);
    jw_arr_end(w);
    return;
  default:
    buf_reset(scratch);
    vm_format(p, v, scratch);
    jw_strn(w, scratch->data ? scratch->data : "", scratch->len);
  }
}

/* A fact's path (case_path), known to need no escaping when `plain` (json_reporter.paths_plain). */
static void path_json(jsonw *w, const char *path, bool plain)
{
  if (plain) jw_strn_plain(w, path, strlen(path));
  else jw_str(w, path);
}

/* A fact's entry in begrunnelse, written with w. */
static void fact_json(jsonw *w, const result *r, const why_entry *e, bool paths_plain, buf *scratch)
{
  jw_obj(w);
  jw_key(w, "fakta");
  path_json(w, why_text(r, e), paths_plain);
  jw_key(w, "verdi");
  value_json(w, r->p, e->v, true, scratch);
  jw_obj_end(w);
}

/* The fact e's entry as this report has made it (the first time: made now); NULL for a fact
** the case does not number. */
static const piece *fact_piece(json_reporter *j, const result *r, const why_entry *e)
{
  if (!e->rec || (size_t)e->rec->fact + e->field >= r->nfacts) return NULL;
  piece *at = &j->fact[e->rec->fact + e->field];
  if (!at->len) {
    uint32_t from = (uint32_t)j->facts.len;
    jsonw fw;
    jw_init(&fw, &j->facts);
    fact_json(&fw, r, e, j->paths_plain, &j->scratch);
    at->at = from;
    at->len = (uint32_t)(j->facts.len - from);
  }
  return at;
}

static void why_json(jsonw *w, json_reporter *j, const result *r, const finding *f)
{
  buf *scratch = &j->scratch;
  jw_arr(w);
  for (size_t i = 0; i < f->why.len; i++) {
    const why_entry *e = &f->why.items[i];
    const piece *at;
    if (e->kind == TR_COND && (at = cond_value_piece(j, e->cond, e->v))) {
      jw_raw(w, piece_text(j, at), at->len);
      continue;
    }
    if (e->kind == TR_COND) {               /* the condition's piece, then its value */
      at = cond_piece(j, e->cond);
      jw_piece(w, piece_text(j, at), at->len, JW_OPENS | JW_AT_KEY);
      value_json(w, r->p, e->v, false, scratch);
      jw_obj_end(w);
      continue;
    }
    if (e->kind == TR_GUIDE && (at = guide_piece(j, e->cond, e->v))) {
      jw_raw(w, piece_text(j, at), at->len);
      continue;
    }
    if (e->kind == TR_FACT) {
      if ((at = fact_piece(j, r, e))) jw_raw(w, j->facts.data + at->at, at->len);
      else fact_json(w, r, e, j->paths_plain, scratch);
      continue;
    }
    jw_obj(w);
    switch (e->kind) {
    case TR_GUIDE:
      jw_key(w, "vilkar");
      jw_nstr(w, bc_nstr(r->p, e->cond));
      jw_key(w, "verdi");
      value_json(w, r->p, e->v, false, scratch);
      break;
    default:
      jw_kstr(w, "merknad", why_text(r, e));
    }
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

/* funn[].forklaring: the decisive explanation, each line with the facts it rests on. */
static void explanation_json(jsonw *w, const result *r, const finding *f, explainer *ex, bool paths_plain, buf *scratch)
{
  explanation e;
  oom_cleanup hold;
  explanation_hold(&hold, &e);
  explain_with(ex, r, f, &e);
  jw_arr(w);
  for (size_t i = 0; i < e.lines.len; i++) {
    const expl_line *l = &e.lines.items[i];
    jw_obj(w);
    jw_key(w, "tekst");
    if (l->plain) jw_strn_plain(w, l->text, l->len);
    else jw_strn(w, l->text, l->len);
    jw_key(w, "fakta");
    jw_arr(w);
    for (size_t k = 0; k < l->facts.len; k++) {
      jw_obj(w);
      jw_key(w, "sti");
      path_json(w, l->facts.items[k].path, paths_plain);
      jw_kstr(w, "navn", l->facts.items[k].label);
      jw_key(w, "verdi");
      value_json(w, r->p, l->facts.items[k].v, false, scratch);
      jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
  }
  jw_arr_end(w);
  oom_pop(&hold);
  explanation_done(ex, &e);
}

/* "oppsummering": findings per status, in the order of resultat-1.md. */
static void summary_json(jsonw *w, const result *r)
{
  static const fstatus order[] = { F_BRUDD, F_AVVIK, F_BEGRUNNET, F_VURDER, F_UKJENT, F_OPPFYLT, F_IKKE_AKTUELL };
  jw_key(w, "oppsummering");
  jw_obj(w);
  for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
    jw_lit_key(w, fstatus_key[order[i]].s, fstatus_key[order[i]].len);
    jw_int(w, (long long)r->counts[order[i]]);
  }
  jw_obj_end(w);
}

/* Writes out[at..end) again as the next value: bytes this report has written already. */
static void again(jsonw *w, size_t at, size_t end)
{
  buf_reserve(w->out, end - at + 1);         /* (so that the source does not move) */
  jw_raw(w, w->out->data + at, end - at);
}

static void finding_json(jsonw *w, json_reporter *jr, const result *r, const finding *f)
{
  const bc_program *p = r->p;
  const bc_rule *rule = &p->rules.items[f->rule];
  const piece *at;
  if (f->item) {
    at = rule_piece(jr, jr->head, f->rule);
    jw_piece(w, piece_text(jr, at), at->len, JW_OPENS | JW_AT_KEY);
    jw_raw(w, fstatus_value[f->status].s, fstatus_value[f->status].len);
    jw_kstr(w, "gjelder", f->item);
    at = rule_piece(jr, jr->title, f->rule);
    jw_piece(w, piece_text(jr, at), at->len, JW_AT_KEY);
  } else {
    at = head_title_piece(jr, f->rule, f->status);
    jw_piece(w, piece_text(jr, at), at->len, JW_OPENS | JW_AT_KEY);
  }
  if (!f->message) jw_null(w);
  else if (f->message_plain) jw_strn_plain(w, f->message, f->message_len);
  else jw_strn(w, f->message, f->message_len);
  jw_key(w, "begrunnelse");
  bool shared = f->why.len && f->why.items == jr->why && f->why.len == jr->why_len;
  if (shared) {
    again(w, jr->why_at, jr->why_end);
  } else {
    jr->why = NULL;
    size_t from = w->out->len;                /* (after the key: the array has no comma) */
    why_json(w, jr, r, f);
    jr->why = f->why.items;
    jr->why_len = f->why.len;
    jr->why_at = from;
    jr->why_end = w->out->len;
  }
  if (f->status != F_OPPFYLT) {
    jw_key(w, "forklaring");
    if (jr->expl && explain_same(r, jr->expl, f)) {
      again(w, jr->expl_at, jr->expl_end);
    } else {
      size_t from = w->out->len;
      explanation_json(w, r, f, jr->ex, jr->paths_plain, &jr->scratch);
      jr->expl = f;
      jr->expl_at = from;
      jr->expl_end = w->out->len;
    }
  }
  if (!f->docs.len) {
    at = rule_piece(jr, jr->sources_end, f->rule);
    jw_piece(w, piece_text(jr, at), at->len, 0);
    jw_obj_end(w);
    return;
  }
  at = rule_piece(jr, jr->sources, f->rule);
  jw_piece(w, piece_text(jr, at), at->len, 0);
  jw_key(w, "dokumentasjonskrav");
  jw_arr(w);
  for (size_t j = 0; j < f->docs.len; j++) jw_nstr(w, bc_nstr(p, rule->docs.items[r->docs.items[f->docs.items[j]].doc].text));
  jw_arr_end(w);
  jw_obj_end(w);
}

void report_json(const result *r, buf *out)
{
  json_reporter *j = json_reporter_new(r->p);
  oom_cleanup hold;
  oom_push(&hold, free_reporter, j);
  report_json_with(j, r, out);
  oom_pop(&hold);
  json_reporter_free(j);
}

void report_json_with(json_reporter *jr, const result *r, buf *out)
{
  if (jr->p != r->p) {                       /* made for another rule set: its pieces would lie */
    report_json(r, out);
    return;
  }
  const bc_program *p = r->p;
  jsonw w;
  jw_init(&w, out);
  jr->why = NULL;                            /* nothing of another report is copied */
  jr->expl = NULL;
  buf_reset(&jr->facts);                     /* nor any fact of another case */
  if (r->nfacts > jr->fact_cap) {
    free(jr->fact);
    jr->fact = NULL;
    jr->fact_cap = 0;
    jr->fact = xmalloc(r->nfacts * sizeof *jr->fact);
    jr->fact_cap = r->nfacts;
  }
  if (r->nfacts) memset(jr->fact, 0, r->nfacts * sizeof *jr->fact);
  char d[11];
  date_format(r->date, d);
  jw_obj(&w);
  jw_kstr(&w, "format", "norm-resultat/1");
  jw_kstr(&w, "sak_id", r->sak_id);
  jw_kstr(&w, "vurderingsdato", d);
  jw_key(&w, "regelsett");
  jw_obj(&w);
  jw_kstr(&w, "navn", bc_str(p, p->name));
  jw_kstr(&w, "sha256", p->sha256_hex);
  jw_obj_end(&w);
  jw_key(&w, "funn");
  jw_arr(&w);
  for (size_t i = 0; i < r->findings.len; i++) finding_json(&w, jr, r, &r->findings.items[i]);
  jw_arr_end(&w);
  jw_key(&w, "dokumentasjonskrav");
  jw_arr(&w);
  for (size_t i = 0; i < r->docs.len; i++) {
    const docreq *q = &r->docs.items[i];
    const bc_rule *rule = &p->rules.items[q->rule];
    jw_obj(&w);
    jw_key(&w, "regel");
    jw_nstr(&w, bc_nstr(p, rule->id));
    if (q->item) jw_kstr(&w, "gjelder", q->item);
    jw_key(&w, "type");
    jw_nstr(&w, bc_nstr(p, rule->docs.items[q->doc].type));
    jw_key(&w, "tekst");
    jw_nstr(&w, bc_nstr(p, rule->docs.items[q->doc].text));
    jw_kbool(&w, "oppfylt", q->on_file);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  summary_json(&w, r);
  jw_obj_end(&w);
}

/* The compact form for large batches (docs/kompakt.md): per case only the findings that
** call for action, and the summary. */
void report_compact(const result *r, buf *out)
{
  const bc_program *p = r->p;
  jsonw w;
  jw_init(&w, out);
  char d[11];
  date_format(r->date, d);
  jw_obj(&w);
  jw_kstr(&w, "format", "norm-kompakt/1");
  jw_kstr(&w, "sak_id", r->sak_id);
  jw_kstr(&w, "vurderingsdato", d);
  jw_kstr(&w, "regelsett", p->sha256_hex);
  jw_key(&w, "funn");
  jw_arr(&w);
  for (size_t i = 0; i < r->findings.len; i++) {
    const finding *f = &r->findings.items[i];
    if (f->status == F_OPPFYLT || f->status == F_IKKE_AKTUELL) continue;
    jw_obj(&w);
    jw_key(&w, "regel");
    jw_nstr(&w, bc_nstr(p, p->rules.items[f->rule].id));
    if (f->item) jw_kstr(&w, "gjelder", f->item);
    jw_key(&w, "status");
    jw_raw(&w, fstatus_value[f->status].s, fstatus_value[f->status].len);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  summary_json(&w, r);
  jw_obj_end(&w);
}

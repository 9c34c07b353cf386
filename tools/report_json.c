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

static void value_json(jsonw *w, const bc_program *p, value v, bool fact, buf *scratch)
{
  char d[11];
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
  case V_DATE: date_format(v.u.date, d); jw_str(w, d); return;
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

static void why_json(jsonw *w, const result *r, const finding *f, buf *scratch)
{
  jw_arr(w);
  for (size_t i = 0; i < f->why.len; i++) {
    const why_entry *e = &f->why.items[i];
    jw_obj(w);
    switch (e->kind) {
    case TR_FACT:
      jw_kstr(w, "fakta", e->path);
      jw_key(w, "verdi");
      value_json(w, r->p, e->v, true, scratch);
      break;
    case TR_COND: case TR_GUIDE:   /* the program's text, which needs no escaping */
      jw_key(w, "vilkar");
      jw_nstr(w, bc_nstr(r->p, e->kind == TR_COND ? r->p->conds.items[e->cond].text : e->cond));
      jw_key(w, "verdi");
      value_json(w, r->p, e->v, false, scratch);
      break;
    default:
      jw_kstr(w, "merknad", e->path);
    }
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

/* funn[].forklaring: the decisive explanation, each line with the facts it rests on. */
static void explanation_json(jsonw *w, const result *r, const finding *f, explainer *ex, buf *scratch)
{
  explanation e;
  oom_cleanup hold;
  explanation_hold(&hold, &e);
  explain_with(ex, r, f, &e);
  jw_arr(w);
  for (size_t i = 0; i < e.lines.len; i++) {
    const expl_line *l = &e.lines.items[i];
    jw_obj(w);
    jw_kstr(w, "tekst", l->text);
    jw_key(w, "fakta");
    jw_arr(w);
    for (size_t k = 0; k < l->facts.len; k++) {
      jw_obj(w);
      jw_kstr(w, "sti", l->facts.items[k].path);
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
  explanation_free(&e);
}

/* "oppsummering": findings per status, in the order of resultat-1.md. */
static void summary_json(jsonw *w, const result *r)
{
  static const fstatus order[] = { F_BRUDD, F_AVVIK, F_BEGRUNNET, F_VURDER, F_UKJENT, F_OPPFYLT, F_IKKE_AKTUELL };
  jw_key(w, "oppsummering");
  jw_obj(w);
  for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
    jw_keyn(w, fstatus_name[order[i]], strlen(fstatus_name[order[i]]));
    jw_int(w, (long long)r->counts[order[i]]);
  }
  jw_obj_end(w);
}

static void finding_json(jsonw *w, const result *r, const finding *f, explainer *ex, buf *scratch)
{
  const bc_program *p = r->p;
  const bc_rule *rule = &p->rules.items[f->rule];
  jw_obj(w);
  jw_key(w, "regel");
  jw_nstr(w, bc_nstr(p, rule->id));
  jw_kstr(w, "styrke", strength_key[rule->strength]);
  jw_kstr(w, "status", fstatus_name[f->status]);
  if (f->item) jw_kstr(w, "gjelder", f->item);
  jw_key(w, "tittel");
  jw_nstr(w, bc_nstr(p, rule->title));
  jw_kstr(w, "melding", f->message);
  jw_key(w, "begrunnelse");
  why_json(w, r, f, scratch);
  if (f->status != F_OPPFYLT) {
    jw_key(w, "forklaring");
    explanation_json(w, r, f, ex, scratch);
  }
  jw_key(w, "kilder");
  jw_arr(w);
  for (size_t j = 0; j < rule->sources.len; j++) jw_nstr(w, bc_nstr(p, rule->sources.items[j]));
  jw_arr_end(w);
  jw_key(w, "dokumentasjonskrav");
  jw_arr(w);
  for (size_t j = 0; j < f->docs.len; j++) jw_nstr(w, bc_nstr(p, rule->docs.items[r->docs.items[f->docs.items[j]].doc].text));
  jw_arr_end(w);
  jw_obj_end(w);
}

void report_json(const result *r, buf *out)
{
  const bc_program *p = r->p;
  jsonw w;
  buf scratch;
  buf_init(&scratch);
  oom_cleanup hold, hold_ex;
  oom_hold_buf(&hold, &scratch);
  explainer *ex = explainer_new();   /* one for all the case's findings */
  explainer_hold(&hold_ex, ex);
  jw_init(&w, out);
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
  for (size_t i = 0; i < r->findings.len; i++) finding_json(&w, r, &r->findings.items[i], ex, &scratch);
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
  oom_pop(&hold_ex);
  explainer_free(ex);
  oom_pop(&hold);
  buf_free(&scratch);
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
    jw_kstr(&w, "regel", bc_str(p, p->rules.items[f->rule].id));
    if (f->item) jw_kstr(&w, "gjelder", f->item);
    jw_kstr(&w, "status", fstatus_name[f->status]);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  summary_json(&w, r);
  jw_obj_end(&w);
}

/*
** norm-resultat/1 as JSON (see shared/resultat-1.md). Keys keep their insertion order,
** so the same result always gives the same bytes.
*/
#include "report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "explain.h"

static const char *const strength_key[] = { "krav", "bor", "kan" };

static json_t *value_json(const bc_program *p, value v, bool fact)
{
  char d[11];
  switch (v.tag) {
  case V_UNKNOWN: return fact ? json_string("mangler") : json_null();
  case V_BOOL: return json_boolean(v.u.b);
  case V_NUM:
    if (v.u.num == floor(v.u.num) && fabs(v.u.num) < 9e15) return json_integer((json_int_t)v.u.num);
    return json_real(v.u.num);
  case V_STR: return json_stringn(v.u.str->s, v.u.str->len);
  case V_DATE: date_format(v.u.date, d); return json_string(d);
  case V_LIST: {
    json_t *a = json_array();
    for (uint32_t i = 0; i < v.u.list->n; i++) json_array_append_new(a, value_json(p, v.u.list->items[i], fact));
    return a;
  }
  default: {
    buf b;
    buf_init(&b);
    vm_format(p, v, &b);
    json_t *s = json_string(b.data ? b.data : "");
    buf_free(&b);
    return s;
  }
  }
}

static json_t *why_json(const result *r, const finding *f)
{
  json_t *a = json_array();
  for (size_t i = 0; i < f->why.len; i++) {
    const why_entry *w = &f->why.items[i];
    json_t *o = json_object();
    switch (w->kind) {
    case TR_FACT:
      json_object_set_new(o, "fakta", json_string(w->path));
      json_object_set_new(o, "verdi", value_json(r->p, w->v, true));
      break;
    case TR_COND: case TR_GUIDE:
      json_object_set_new(o, "vilkar", json_string(w->path));
      json_object_set_new(o, "verdi", value_json(r->p, w->v, false));
      break;
    default:
      json_object_set_new(o, "merknad", json_string(w->path));
    }
    json_array_append_new(a, o);
  }
  return a;
}

/* funn[].forklaring: the decisive explanation, each line with the facts it rests on. */
static json_t *explanation_json(const result *r, const finding *f)
{
  explanation e;
  explain_finding(r, f, &e);
  json_t *a = json_array();
  for (size_t i = 0; i < e.lines.len; i++) {
    const expl_line *l = &e.lines.items[i];
    json_t *facts = json_array();
    for (size_t k = 0; k < l->facts.len; k++)
      json_array_append_new(facts, json_pack("{s:s, s:s, s:o}", "sti", l->facts.items[k].path, "navn", l->facts.items[k].label,
                                             "verdi", value_json(r->p, l->facts.items[k].v, false)));
    json_array_append_new(a, json_pack("{s:s, s:o}", "tekst", l->text, "fakta", facts));
  }
  explanation_free(&e);
  return a;
}

char *report_json(const result *r)
{
  const bc_program *p = r->p;
  json_t *o = json_object();
  char d[11];
  date_format(r->date, d);
  json_object_set_new(o, "format", json_string("norm-resultat/1"));
  json_object_set_new(o, "sak_id", r->sak_id ? json_string(r->sak_id) : json_null());
  json_object_set_new(o, "vurderingsdato", json_string(d));
  json_t *rs = json_object();
  json_object_set_new(rs, "navn", json_string(bc_str(p, p->name)));
  json_object_set_new(rs, "sha256", json_string(p->sha256_hex));
  json_object_set_new(o, "regelsett", rs);
  json_t *funn = json_array();
  for (size_t i = 0; i < r->findings.len; i++) {
    const finding *f = &r->findings.items[i];
    const bc_rule *rule = &p->rules.items[f->rule];
    json_t *x = json_object();
    json_object_set_new(x, "regel", json_string(bc_str(p, rule->id)));
    json_object_set_new(x, "styrke", json_string(strength_key[rule->strength]));
    json_object_set_new(x, "status", json_string(fstatus_name[f->status]));
    if (f->item) json_object_set_new(x, "gjelder", json_string(f->item));
    json_object_set_new(x, "tittel", json_string(bc_str(p, rule->title)));
    json_object_set_new(x, "melding", json_string(f->message));
    json_object_set_new(x, "begrunnelse", why_json(r, f));
    if (f->status != F_OPPFYLT) json_object_set_new(x, "forklaring", explanation_json(r, f));
    json_t *k = json_array();
    for (size_t j = 0; j < rule->sources.len; j++) json_array_append_new(k, json_string(bc_str(p, rule->sources.items[j])));
    json_object_set_new(x, "kilder", k);
    json_t *dk = json_array();
    for (size_t j = 0; j < f->docs.len; j++) {
      const docreq *q = &r->docs.items[f->docs.items[j]];
      json_array_append_new(dk, json_string(bc_str(p, rule->docs.items[q->doc].text)));
    }
    json_object_set_new(x, "dokumentasjonskrav", dk);
    json_array_append_new(funn, x);
  }
  json_object_set_new(o, "funn", funn);
  json_t *docs = json_array();
  for (size_t i = 0; i < r->docs.len; i++) {
    const docreq *q = &r->docs.items[i];
    const bc_rule *rule = &p->rules.items[q->rule];
    json_t *x = json_object();
    json_object_set_new(x, "regel", json_string(bc_str(p, rule->id)));
    if (q->item) json_object_set_new(x, "gjelder", json_string(q->item));
    json_object_set_new(x, "type", json_string(bc_str(p, rule->docs.items[q->doc].type)));
    json_object_set_new(x, "tekst", json_string(bc_str(p, rule->docs.items[q->doc].text)));
    json_object_set_new(x, "oppfylt", json_boolean(q->on_file));
    json_array_append_new(docs, x);
  }
  json_object_set_new(o, "dokumentasjonskrav", docs);
  json_t *sum = json_object();
  static const fstatus order[] = { F_BRUDD, F_AVVIK, F_BEGRUNNET, F_VURDER, F_UKJENT, F_OPPFYLT, F_IKKE_AKTUELL };
  for (size_t i = 0; i < sizeof order / sizeof *order; i++)
    json_object_set_new(sum, fstatus_name[order[i]], json_integer((json_int_t)r->counts[order[i]]));
  json_object_set_new(o, "oppsummering", sum);
  char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
  json_decref(o);
  return s;
}

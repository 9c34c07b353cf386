/*
** The decision path of one case: the case → each guideline (applies or not, and why) →
** each rule (shape by strength, colour by status) → its items → the conditions in the
** order they were evaluated, with their value → the facts each read, with their value.
** Rules not applicable or not in force collapse into one node per guideline.
*/
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "graph_impl.h"
#include "report.h"

typedef struct {
  bool seen;                   /* a finding of this guideline evaluated its condition */
  value v;
  const char *cond;
  Agnode_t *node;
  buf collapsed;               /* ids of the collapsed rules */
  size_t ncollapsed;
} guide_info;

static const char *truth_word(value v)
{
  int t = v_truth(v);
  return t < 0 ? "ukjent" : t ? "sann" : "usann";
}

static void truth_style(void *obj, value v)
{
  int t = v_truth(v);
  agsafeset(obj, "color", t < 0 ? "#6a3d9a" : t ? "#2e7d32" : "#b00020", "");
  agsafeset(obj, "penwidth", t > 0 ? "1" : "2", "");
}

static Agnode_t *guide_node(Agraph_t *g, const result *r, guide_info *gi, uint32_t gidx, Agnode_t *sak)
{
  guide_info *i = &gi[gidx];
  if (i->node) return i->node;
  const bc_program *p = r->p;
  const bc_guide *gd = &p->guides.items[gidx];
  buf b;
  buf_init(&b);
  oom_cleanup hold_b;
  oom_hold_buf(&hold_b, &b);
  buf_printf(&b, "Retningslinje %s\n%s\n", bc_str(p, gd->id), bc_str(p, gd->title));
  bool in_force = gd->from <= r->date && r->date <= gd->to;
  int t = i->seen ? v_truth(i->v) : 1;
  if (!in_force) buf_puts(&b, "ikke i kraft på vurderingsdatoen");
  else if (gd->cond == BC_NONE) buf_puts(&b, "gjelder for saken (ingen vilkår)");
  else if (!i->seen) buf_puts(&b, "ikke vurdert");
  else buf_printf(&b, "%s: «%s» er %s", t < 0 ? "ukjent om den gjelder" : t ? "gjelder for saken" : "gjelder ikke for saken",
                  bc_str(p, gd->cond_text), truth_word(i->v));
  char name[160];
  snprintf(name, sizeof name, "retningslinje:%s:%u", bc_str(p, gd->id), gidx);
  i->node = gr_node(g, name, b.data);
  agsafeset(i->node, "shape", "box", "");
  agsafeset(i->node, "style", "filled,bold", "");
  agsafeset(i->node, "fillcolor", !in_force || t == 0 ? "#eeeeee" : t < 0 ? "#e3cdf2" : "#ffffff", "");
  gr_edge(g, sak, i->node);
  oom_pop(&hold_b);
  buf_free(&b);
  return i->node;
}

static Agnode_t *finding_node(Agraph_t *g, const result *r, size_t fi, Agnode_t *parent)
{
  const bc_program *p = r->p;
  const finding *f = &r->findings.items[fi];
  const bc_rule *rule = &p->rules.items[f->rule];
  static const char *const strength_word[] = { "krav", "bør", "kan" };
  buf b;
  buf_init(&b);
  oom_cleanup hold_b;
  oom_hold_buf(&hold_b, &b);
  if (f->item) buf_printf(&b, "%s gjelder %s\n", bc_str(p, rule->id), f->item);
  else buf_printf(&b, "%s (%s)\n%s\n", bc_str(p, rule->id), strength_word[rule->strength], bc_str(p, rule->title));
  buf_printf(&b, "%s", fstatus_label[f->status]);
  if (f->status == F_IKKE_AKTUELL && f->message && *f->message) buf_printf(&b, "\n%s", f->message);
  char name[64];
  snprintf(name, sizeof name, "funn:%zu", fi);
  Agnode_t *n = gr_node(g, name, b.data);
  gr_status_style(n, f->status);
  gr_strength_shape(n, rule->strength);
  gr_edge(g, parent, n);
  oom_pop(&hold_b);
  buf_free(&b);
  return n;
}

/* The per-item rule itself, once, between its guideline and its items. */
static Agnode_t *rule_node(Agraph_t *g, const result *r, uint32_t rule, Agnode_t *guide)
{
  const bc_program *p = r->p;
  const bc_rule *ru = &p->rules.items[rule];
  static const char *const strength_word[] = { "krav", "bør", "kan" };
  char name[160];
  snprintf(name, sizeof name, "regel:%s:%u", bc_str(p, ru->id), rule);
  Agnode_t *n = agnode(g, name, 0);
  if (n) return n;
  buf b;
  buf_init(&b);
  oom_cleanup hold_b;
  oom_hold_buf(&hold_b, &b);
  buf_printf(&b, "%s (%s)\n%s\nfor hvert element", bc_str(p, ru->id), strength_word[ru->strength], bc_str(p, ru->title));
  n = gr_node(g, name, b.data);
  gr_strength_shape(n, ru->strength);
  gr_edge(g, guide, n);
  oom_pop(&hold_b);
  buf_free(&b);
  return n;
}

/* What changed a finding's outcome after its conditions: an exception, a justification. */
static void outcome_note(Agraph_t *g, Agnode_t *after, const char *kind, size_t fi, const char *text, fstatus s)
{
  char name[64];
  snprintf(name, sizeof name, "%s:%zu", kind, fi);
  Agnode_t *n = gr_node(g, name, text);
  agsafeset(n, "shape", "note", "");
  gr_status_style(n, s);
  gr_edge(g, after, n);
}

/* Conditions in evaluation order, each with the facts read just before it. */
typedef VEC(Agnode_t *) node_vec;

static void free_facts(void *v) { vec_free((node_vec *)v); }

static void trace_chain(Agraph_t *g, const result *r, size_t fi, Agnode_t *from)
{
  const finding *f = &r->findings.items[fi];
  node_vec facts = { 0 };
  Agnode_t *prev = from;
  buf b;
  buf_init(&b);
  oom_cleanup hold_b, hold_facts;
  oom_hold_buf(&hold_b, &b);
  oom_push(&hold_facts, free_facts, &facts);
  for (size_t k = 0; k < f->why.len; k++) {
    const why_entry *w = &f->why.items[k];
    char name[64];
    buf_reset(&b);
    if (w->kind == TR_GUIDE) continue;
    if (w->kind == TR_FACT) {
      snprintf(name, sizeof name, "fakta:%zu:%s", fi, why_text(r, w));
      if (agnode(g, name, 0)) continue;                    /* read again: one node */
      buf_printf(&b, "%s = ", why_text(r, w));
      report_value_text(r->p, w->v, &b);
      Agnode_t *n = gr_node(g, name, b.data);
      agsafeset(n, "shape", "note", "");
      if (w->v.tag == V_UNKNOWN) gr_status_style(n, F_UKJENT);
      vec_push(&facts, n);
      continue;
    }
    snprintf(name, sizeof name, "%s:%zu:%zu", w->kind == TR_COND ? "vilkår" : "merknad", fi, k);
    if (w->kind == TR_COND) buf_printf(&b, "«%s»\ner %s", why_text(r, w), truth_word(w->v));
    else buf_printf(&b, "merknad: %s", why_text(r, w));
    Agnode_t *n = gr_node(g, name, b.data);
    agsafeset(n, "shape", w->kind == TR_COND ? "box" : "note", "");
    if (w->kind == TR_COND) {
      agsafeset(n, "style", "rounded", "");
      truth_style(n, w->v);
    }
    gr_edge(g, prev, n);
    for (size_t j = 0; j < facts.len; j++) {
      Agedge_t *e = gr_edge(g, facts.items[j], n);
      agsafeset(e, "style", "dashed", "");
      agsafeset(e, "label", "leses", "");
    }
    facts.len = 0;
    prev = n;
  }
  for (size_t j = 0; j < facts.len; j++) agsafeset(gr_edge(g, prev, facts.items[j]), "style", "dashed", "");
  if (f->by_exception)
    outcome_note(g, prev, "unntak", fi, "Unntaket i regelen gjelder: regelen er ikke aktuell for dette", F_IKKE_AKTUELL);
  if (f->status == F_BEGRUNNET)
    outcome_note(g, prev, "begrunnelse", fi, "Avviket er begrunnet i saksmappen (avviksbegrunnelse): avvik blir begrunnet avvik",
                 F_BEGRUNNET);
  oom_pop(&hold_facts);
  vec_free(&facts);
  oom_pop(&hold_b);
  buf_free(&b);
}

static bool wanted(const result *r, const finding *f, const graph_opts *o)
{
  if (o->rule && strcmp(bc_str(r->p, r->p->rules.items[f->rule].id), o->rule)) return false;
  return !o->has_only || o->only[f->status];
}

/* The guidelines' infos, and the texts they collect, let go if memory runs out. */
typedef struct {
  guide_info *gi;
  size_t n;
} guide_infos;

static void free_guide_infos(void *arg)
{
  guide_infos *infos = arg;
  for (size_t i = 0; i < infos->n; i++) buf_free(&infos->gi[i].collapsed);
  free(infos->gi);
}

Agraph_t *graph_case(const result *r, const graph_opts *o)
{
  const bc_program *p = r->p;
  Agraph_t *g = gr_open("beslutningssti");
  oom_cleanup hold_g, hold_gi, hold_b;
  graph_hold(&hold_g, g);
  guide_infos infos = { xcalloc(p->guides.len ? p->guides.len : 1, sizeof *infos.gi), p->guides.len };
  oom_push(&hold_gi, free_guide_infos, &infos);
  guide_info *gi = infos.gi;
  for (size_t i = 0; i < r->findings.len; i++) {
    const finding *f = &r->findings.items[i];
    guide_info *info = &gi[p->rules.items[f->rule].guide];
    for (size_t k = 0; k < f->why.len && !info->seen; k++)
      if (f->why.items[k].kind == TR_GUIDE) {
        info->seen = true;
        info->v = f->why.items[k].v;
      }
  }
  char d[11];
  date_format(r->date, d);
  buf b;
  buf_init(&b);
  oom_hold_buf(&hold_b, &b);
  buf_printf(&b, "Sak %s\nvurdert %s\nregelsett %s\n(sha256 %.12s…)", r->sak_id ? r->sak_id : "(uten sak_id)", d,
             bc_str(p, p->name), p->sha256_hex);
  Agnode_t *sak = gr_node(g, "sak", b.data);
  agsafeset(sak, "shape", "folder", "");
  agsafeset(sak, "style", "bold", "");
  for (size_t i = 0; i < r->findings.len; i++) {
    const finding *f = &r->findings.items[i];
    if (!wanted(r, f, o)) continue;
    uint32_t gidx = p->rules.items[f->rule].guide;
    Agnode_t *guide = guide_node(g, r, gi, gidx, sak);
    /* An exception that held changed the outcome: it stays in the picture. */
    if (!o->all && f->status == F_IKKE_AKTUELL && !f->by_exception) {
      buf_printf(&gi[gidx].collapsed, "%s%s", gi[gidx].ncollapsed ? ", " : "", bc_str(p, p->rules.items[f->rule].id));
      gi[gidx].ncollapsed++;
      continue;
    }
    Agnode_t *parent = f->item ? rule_node(g, r, f->rule, guide) : guide;
    trace_chain(g, r, i, finding_node(g, r, i, parent));
  }
  for (size_t i = 0; i < p->guides.len; i++) {
    if (!gi[i].ncollapsed) continue;
    buf_reset(&b);
    buf_printf(&b, "%zu %s ikke aktuelle eller ikke i kraft:\n%s", gi[i].ncollapsed,
               gi[i].ncollapsed == 1 ? "regel" : "regler", gi[i].collapsed.data);
    char name[64];
    snprintf(name, sizeof name, "ikke_aktuelle:%zu", i);
    Agnode_t *n = gr_node(g, name, b.data);
    agsafeset(n, "shape", "box", "");
    gr_status_style(n, F_IKKE_AKTUELL);
    gr_edge(g, gi[i].node, n);
  }
  gr_legend(g, true, true);
  oom_pop(&hold_b);
  buf_free(&b);
  oom_pop(&hold_gi);
  free_guide_infos(&infos);
  oom_pop(&hold_g);
  return g;
}

/*
** Pictures sized for a person: the case at a glance (the case → its guidelines → their
** rules, one node per status) and one finding's decisive path (the case → the guideline →
** the rule and item → what decided it, in words → the facts it rests on). The detailed
** decision path with every condition is graph_case.c.
*/
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "explain.h"
#include "graph_impl.h"

static Agnode_t *case_node(Agraph_t *g, const result *r)
{
  char d[11];
  date_format_nb(r->date, d);
  buf b;
  buf_init(&b);
  oom_cleanup hold;
  oom_hold_buf(&hold, &b);
  buf_printf(&b, "Sak %s\nvurdert %s", r->sak_id ? r->sak_id : "(uten sak_id)", d);
  Agnode_t *n = gr_node(g, "sak", b.data);
  agsafeset(n, "shape", "folder", "");
  agsafeset(n, "style", "bold", "");
  oom_pop(&hold);
  buf_free(&b);
  return n;
}

static Agnode_t *guideline_node(Agraph_t *g, const result *r, uint32_t gidx, Agnode_t *sak)
{
  const bc_program *p = r->p;
  char name[64];
  snprintf(name, sizeof name, "retningslinje:%u", gidx);
  Agnode_t *n = agnode(g, name, 0);
  if (n) return n;
  buf b;
  buf_init(&b);
  oom_cleanup hold;
  oom_hold_buf(&hold, &b);
  buf_printf(&b, "Retningslinje %s\n%s", bc_str(p, p->guides.items[gidx].id), bc_str(p, p->guides.items[gidx].title));
  n = gr_node(g, name, b.data);
  agsafeset(n, "shape", "box", "");
  agsafeset(n, "style", "bold", "");
  gr_edge(g, sak, n);
  oom_pop(&hold);
  buf_free(&b);
  return n;
}

Agraph_t *graph_overview(const result *r)
{
  const bc_program *p = r->p;
  Agraph_t *g = gr_open("oversikt");
  buf b, lab;
  buf_init(&b);
  buf_init(&lab);
  oom_cleanup hold_g, hold_b, hold_lab;
  graph_hold(&hold_g, g);
  oom_hold_buf(&hold_b, &b);
  oom_hold_buf(&hold_lab, &lab);
  Agnode_t *sak = case_node(g, r);
  static const fstatus order[] = { F_BRUDD, F_AVVIK, F_UKJENT, F_VURDER, F_BEGRUNNET, F_OPPFYLT, F_IKKE_AKTUELL };
  for (uint32_t gidx = 0; gidx < p->guides.len; gidx++)
    for (size_t s = 0; s < sizeof order / sizeof *order; s++) {
      /* the rules of this guideline with this status, each id once, with its items */
      buf_reset(&b);
      size_t n = 0;
      for (size_t i = 0; i < r->findings.len; i++) {
        const finding *f = &r->findings.items[i];
        if (f->status != order[s] || p->rules.items[f->rule].guide != gidx) continue;
        const char *id = bc_str(p, p->rules.items[f->rule].id);
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
          seen = r->findings.items[k].status == order[s] && r->findings.items[k].rule == f->rule;
        if (seen) continue;
        buf_printf(&b, "%s%s", n++ ? ", " : "", id);
      }
      if (!n) continue;
      Agnode_t *gn = guideline_node(g, r, gidx, sak);
      buf_reset(&lab);
      buf_printf(&lab, "%s: %zu %s\n%s", fstatus_label[order[s]], n, n == 1 ? "regel" : "regler", b.data);
      char name[64];
      snprintf(name, sizeof name, "status:%u:%d", gidx, (int)order[s]);
      Agnode_t *sn = gr_node(g, name, lab.data);
      agsafeset(sn, "shape", "box", "");
      gr_status_style(sn, order[s]);
      gr_edge(g, gn, sn);
    }
  oom_pop(&hold_lab);
  oom_pop(&hold_b);
  oom_pop(&hold_g);
  buf_free(&lab);
  buf_free(&b);
  return g;
}

Agraph_t *graph_finding(const result *r, size_t fi)
{
  const bc_program *p = r->p;
  const finding *f = &r->findings.items[fi];
  const bc_rule *rule = &p->rules.items[f->rule];
  static const char *const strength_word[] = { "krav", "bør", "kan" };
  Agraph_t *g = gr_open("funn");
  buf b;
  buf_init(&b);
  explanation e;
  oom_cleanup hold_g, hold_b, hold_e;
  graph_hold(&hold_g, g);
  oom_hold_buf(&hold_b, &b);
  explanation_hold(&hold_e, &e);
  agsafeset(g, "rankdir", "TB", "");
  Agnode_t *at = guideline_node(g, r, rule->guide, case_node(g, r));
  buf_printf(&b, "%s (%s)\n%s", bc_str(p, rule->id), strength_word[rule->strength], bc_str(p, rule->title));
  if (f->item) buf_printf(&b, "\ngjelder %s", f->item);
  buf_printf(&b, "\n%s", fstatus_label[f->status]);
  Agnode_t *rn = gr_node(g, "regel", b.data);
  gr_strength_shape(rn, rule->strength);
  gr_status_style(rn, f->status);
  gr_edge(g, at, rn);
  explain_finding(r, f, &e);
  for (size_t i = 0; i < e.lines.len; i++) {
    const expl_line *l = &e.lines.items[i];
    char name[64];
    snprintf(name, sizeof name, "hvorfor:%zu", i);
    Agnode_t *ln = gr_node(g, name, l->text);
    agsafeset(ln, "shape", "box", "");
    agsafeset(ln, "style", "rounded", "");
    gr_edge(g, rn, ln);
    for (size_t k = 0; k < l->facts.len; k++) {
      buf_reset(&b);
      buf_printf(&b, "%s: ", l->facts.items[k].label);
      explain_value(p, l->facts.items[k].type, l->facts.items[k].v, &b);
      snprintf(name, sizeof name, "fakta:%zu:%zu", i, k);
      Agnode_t *fn = gr_node(g, name, b.data);
      agsafeset(fn, "shape", "note", "");
      if (l->facts.items[k].v.tag == V_UNKNOWN) gr_status_style(fn, F_UKJENT);
      Agedge_t *edge = gr_edge(g, ln, fn);
      agsafeset(edge, "style", "dashed", "");
    }
  }
  oom_pop(&hold_e);
  oom_pop(&hold_b);
  oom_pop(&hold_g);
  explanation_free(&e);
  buf_free(&b);
  return g;
}

/*
** Diagrams with Graphviz (cgraph builds, gvc lays out and renders): the decision path of
** one evaluated case, and the rule set with what each rule depends on. Labels are plain
** strings set through cgraph, which quotes them; graph_label escapes the backslashes that
** Graphviz would otherwise read as its own escapes. Graphs belong to the caller (agclose).
*/
#ifndef NORM_GRAPH_H
#define NORM_GRAPH_H

#include "ast.h"
#include "eval.h"
#include "gvlib.h"                             /* Graphviz's headers, and Graphviz loaded on first use */

typedef struct {
  bool all;                    /* draw every rule, also those not applicable or not in force */
  bool only[F__COUNT];         /* when any is set: only findings with these statuses */
  bool has_only;
  const char *rule;            /* only this rule id, or NULL */
} graph_opts;

/* Parses "brudd,avvik,ukjent" into o->only; false names the first unknown status in *bad. */
bool graph_parse_only(const char *list, graph_opts *o, char *bad, size_t n);

/* The detailed decision path: every condition in the order it was evaluated. */
Agraph_t *graph_case(const result *r, const graph_opts *o);
/* The case at a glance: its guidelines and their rules, one node per status. */
Agraph_t *graph_overview(const result *r);
/* Finding fi's decisive path: what decided it, in words, and the facts it rests on. */
Agraph_t *graph_finding(const result *r, size_t fi);
Agraph_t *graph_ruleset(const ast_unit *u, const bc_program *p);

/* Rendering takes the caller's Graphviz context. Use one per process, freed after the
** last graph: Graphviz 2.42's text layout keeps a pointer into the context's font table
** from one layout to the next, so a second context reads freed memory. */

/* Writes g to path in the format its extension names: .dot (the graph as built, no
** layout), .svg, .png or .pdf. False with a Norwegian reason in *err (caller frees). */
bool graph_write(GVC_t *gvc, Agraph_t *g, const char *path, char **err);
bool graph_known_format(const char *path);
/* Pushes a cleanup that closes g if memory runs out while it is held (util.h). */
void graph_hold(oom_cleanup *c, Agraph_t *g);

/* The graph laid out and rendered as SVG (caller frees), or NULL. */
char *graph_svg(GVC_t *gvc, Agraph_t *g, size_t *len);

#endif

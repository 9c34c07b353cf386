/*
** What graph.c shares with graph_case.c and graph_rules.c: node and label helpers, the
** status and strength styles, and the legend. Private to the graph files.
*/
#ifndef NORM_GRAPH_IMPL_H
#define NORM_GRAPH_IMPL_H

#include "graph.h"

#define GR_WRAP 46                 /* characters per label line before wrapping at a space */

Agraph_t *gr_open(const char *name);
Agnode_t *gr_node(Agraph_t *g, const char *name, const char *label);
Agedge_t *gr_edge(Agraph_t *g, Agnode_t *a, Agnode_t *b);
void gr_label(void *obj, const char *text);
void gr_status_style(void *obj, fstatus s);
void gr_strength_shape(void *obj, uint32_t level);
void gr_legend(Agraph_t *g, bool statuses, bool strengths);

#endif

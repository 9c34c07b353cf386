/*
** Rendering the diagrams, and what both kinds share: labels, status colours, the legend.
*/
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_impl.h"

/* Fill and border per status, in fstatus order; the label always names the status too,
** so colour is never the only signal. */
static const char *const fill[F__COUNT] = { "#f8c4c4", "#ffd9a8", "#e3cdf2", "#cfe2ff", "#fff1a8", "#cdeccf", "#eeeeee" };
static const char *const border[F__COUNT] = { "#b00020", "#c25e00", "#6a3d9a", "#1f5fbf", "#9a7b00", "#2e7d32", "#888888" };

void gr_status_style(void *obj, fstatus s)
{
  agsafeset(obj, "style", "filled", "");
  agsafeset(obj, "fillcolor", (char *)fill[s], "");
  agsafeset(obj, "color", (char *)border[s], "");
}

void gr_strength_shape(void *obj, uint32_t level)
{
  /* krav: a plain box with a double border; bør: rounded box; kan: ellipse. */
  if (level == ST_KRAV) {
    agsafeset(obj, "shape", "box", "");
    agsafeset(obj, "peripheries", "2", "");
  } else if (level == ST_BOR) {
    agsafeset(obj, "shape", "box", "");
    char *style = agget(obj, "style");
    agsafeset(obj, "style", style && *style ? "rounded,filled" : "rounded", "");
  } else {
    agsafeset(obj, "shape", "ellipse", "");
  }
}

/* Graphviz reads \n, \l, \N, \G … inside labels; a backslash in the text (a regular
** expression) must stay a backslash. Long lines wrap at spaces. */
void gr_label(void *obj, const char *text)
{
  buf b;
  buf_init(&b);
  oom_cleanup hold;
  oom_hold_buf(&hold, &b);
  size_t col = 0;
  for (const char *p = text; *p; p++) {
    if (*p == '\n') { buf_puts(&b, "\\n"); col = 0; continue; }
    if (*p == ' ' && col >= GR_WRAP) { buf_puts(&b, "\\n"); col = 0; continue; }
    if (*p == '\\') buf_puts(&b, "\\\\");
    else buf_putc(&b, *p);
    if (((unsigned char)*p & 0xC0) != 0x80) col++;
  }
  agsafeset(obj, "label", b.data ? b.data : "", "");
  oom_pop(&hold);
  buf_free(&b);
}

Agnode_t *gr_node(Agraph_t *g, const char *name, const char *label)
{
  Agnode_t *n = agnode(g, (char *)name, 1);
  gr_label(n, label);
  return n;
}

Agedge_t *gr_edge(Agraph_t *g, Agnode_t *a, Agnode_t *b)
{
  return agedge(g, a, b, NULL, 1);
}

static void close_graph(void *g) { agclose(g); }
void graph_hold(oom_cleanup *c, Agraph_t *g) { oom_push(c, close_graph, g); }

Agraph_t *gr_open(const char *name)
{
  Agraph_t *g = agopen((char *)name, Agdirected, NULL);
  if (!g) oom_raise();
  agsafeset(g, "rankdir", "LR", "");
  agsafeset(g, "fontname", "DejaVu Sans", "");
  agsafeset(g, "charset", "UTF-8", "");
  agattr(g, AGNODE, "fontname", "DejaVu Sans");
  agattr(g, AGNODE, "fontsize", "10");
  agattr(g, AGEDGE, "fontname", "DejaVu Sans");
  agattr(g, AGEDGE, "fontsize", "9");
  return g;
}

void gr_legend(Agraph_t *g, bool statuses, bool strengths)
{
  Agraph_t *l = agsubg(g, "cluster_forklaring", 1);
  agsafeset(l, "label", "Forklaring", "");
  agsafeset(l, "style", "dashed", "");
  Agnode_t *prev = NULL;
  for (int s = 0; statuses && s < F__COUNT; s++) {
    char name[32];
    snprintf(name, sizeof name, "forklaring_%s", fstatus_name[s]);
    Agnode_t *n = gr_node(l, name, fstatus_label[s]);
    agsafeset(n, "shape", "box", "");
    gr_status_style(n, (fstatus)s);
    if (prev) agsafeset(gr_edge(l, prev, n), "style", "invis", "");
    prev = n;
  }
  if (!strengths) return;
  static const char *const label[] = { "krav (skal, må)", "bør", "kan / bør vurderes" };
  for (uint32_t s = 0; s < 3; s++) {
    char name[32];
    snprintf(name, sizeof name, "forklaring_styrke_%u", s);
    Agnode_t *n = gr_node(l, name, label[s]);
    gr_strength_shape(n, s);
    if (prev) agsafeset(gr_edge(l, prev, n), "style", "invis", "");
    prev = n;
  }
}

bool graph_parse_only(const char *list, graph_opts *o, char *bad, size_t n)
{
  const char *p = list;
  while (*p) {
    size_t len = strcspn(p, ",");
    int found = -1;
    for (int s = 0; s < F__COUNT; s++)
      if (strlen(fstatus_name[s]) == len && !strncmp(fstatus_name[s], p, len)) found = s;
    if (found < 0) {
      snprintf(bad, n, "%.*s", (int)len, p);
      return false;
    }
    o->only[found] = true;
    o->has_only = true;
    p += len + (p[len] == ',');
  }
  return o->has_only || (snprintf(bad, n, "%s", list), false);
}

static const char *format_of(const char *path)
{
  static const char *const known[] = { ".dot", ".svg", ".png", ".pdf" };
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    if (str_has_suffix(path, known[i])) return known[i] + 1;
  return NULL;
}

bool graph_known_format(const char *path) { return format_of(path) != NULL; }

bool graph_write(GVC_t *gvc, Agraph_t *g, const char *path, char **err)
{
  const char *fmt = format_of(path);
  if (!fmt) {
    *err = xstrdup("ukjent filtype: bruk .dot, .svg, .png eller .pdf");
    return false;
  }
  if (!strcmp(fmt, "dot")) {
    FILE *f = fopen(path, "w");
    bool ok = f && agwrite(g, f) == 0;
    if (f) ok = fclose(f) == 0 && ok;
    if (!ok) *err = xstrdup("kan ikke skrive filen");
    return ok;
  }
  bool ok = gvLayout(gvc, g, "dot") == 0;
  if (ok) {
    ok = gvRenderFilename(gvc, g, fmt, path) == 0;
    gvFreeLayout(gvc, g);
  }
  if (!ok) *err = xstrdup("Graphviz kunne ikke tegne eller skrive diagrammet");
  return ok;
}

char *graph_svg(GVC_t *gvc, Agraph_t *g, size_t *len)
{
  char *data = NULL;
  unsigned int n = 0;
  char *copy = NULL;
  if (gvLayout(gvc, g, "dot") == 0) {
    if (gvRenderData(gvc, g, "svg", &data, &n) == 0 && data) {
      copy = malloc((size_t)n + 1);           /* not xmalloc: Graphviz's data is let go first */
      if (copy) {
        memcpy(copy, data, n);
        copy[n] = 0;
        *len = n;
      }
    }
    gvFreeRenderData(data);
    gvFreeLayout(gvc, g);
    if (data && !copy) oom_raise();
  }
  return copy;
}

/*
** `norm check --format html`: the report as one self-contained HTML document. Cases are
** added as they are evaluated (while their result is alive); the document, with an index
** when there are several, is written by html_end, which also frees h.
*/
#ifndef NORM_REPORT_HTML_H
#define NORM_REPORT_HTML_H

#include <stdio.h>

#include "eval.h"
#include "graph.h"

typedef struct report_html report_html;

report_html *html_begin(GVC_t *gvc);       /* gvc draws the diagrams; the caller frees it */
void html_add(report_html *h, const result *r);
void html_end(report_html *h, FILE *out);
void html_free(report_html *h);           /* frees h without writing it */

/* s with & < > " ' written as HTML entities, for text and attribute values alike. */
void html_escape(buf *b, const char *s);

#endif

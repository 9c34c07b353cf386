/*
** norm serve's page for people at `/`: a form to paste or upload a case file (no scripts, no
** external requests; labelled fields a keyboard and a screen reader can use), with the rule
** set's identity. The answer to the form is the HTML report itself (NORM_FORMAT_HTML); when
** the case cannot be judged, the form comes back with the reason above it and the text kept.
*/
#ifndef NORM_SERVE_PAGE_H
#define NORM_SERVE_PAGE_H

#include <stdbool.h>

#include "norm.h"
#include "util.h"

/* The security headers every page and report from the server carries: nothing but inline
** styles and data: images may load, and forms may post only back to the server. */
#define PAGE_CSP "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; " \
                 "frame-ancestors 'none'; base-uri 'none'"

typedef struct {
  const norm_rules *rules;
  bool audit;                /* decisions are written to an audit log */
  const char *error;         /* why the last case could not be judged, or NULL */
  const char *where;         /* where in the case (a JSON path), or NULL */
  const char *pasted;        /* the text to put back in the field, or NULL */
  const char *date;          /* the date to put back, or NULL */
} page_info;

void page_form(buf *b, const page_info *i);

#endif

/*
** The decisive explanation of a finding ("forklaring"): from the trace the VM recorded,
** only what decided the outcome, in the editors' words (words.h). For an «og» that is
** false, its false parts (or, when none is, its unknown ones); for an «eller» that is
** true, one true part; for «alle» that is false, the items that fail; for «finnes» that
** is false, that no item qualifies; for ukjent, every missing fact; for a justified
** deviation, the note that justified it; for ikke_aktuell, what put the rule out of scope.
** A definition is explained by what it means, never by its body. Computed on demand from a
** finding and its result, which must still be loaded (the facts point into the case).
*/
#ifndef NORM_EXPLAIN_H
#define NORM_EXPLAIN_H

#include "eval.h"

#define EXPLAIN_MAX_LINES 6
#define EXPLAIN_MAX_FACTS 3

typedef struct {
  const char *path;          /* JSON path in the case: tiltak[0].planlagt_slutt (the result's) */
  const char *label;         /* what people call it: «planlagt slutt» */
  value v;
  uint32_t type;             /* its type in the schema (for the names of choices), or BC_NONE */
} expl_fact;

typedef struct {
  const char *text;          /* one sentence, no rule-language syntax */
  size_t len;                /* its length */
  bool plain;                /* it goes into JSON as it is (jw_plain), known as it was made;
                                false: not known */
  struct { expl_fact items[EXPLAIN_MAX_FACTS]; size_t len; } facts;   /* the facts it rests
                                on, each one the finding's trace read */
  bool names_facts;          /* the sentence itself names every fact (a list of what is missing) */
} expl_line;

/* The lines, and an arena that holds their texts: one allocation for an explanation, not
** one per text. The facts' paths are the result's: an explanation lives no longer. */
typedef struct {
  struct { expl_line items[EXPLAIN_MAX_LINES]; size_t len; } lines;
  arena mem;
} explanation;

/* Explains finding f of r into out (empty for oppfylt). out is owned by the caller. */
void explain_finding(const result *r, const finding *f, explanation *out);

/* The explainer's working space, kept from finding to finding: explain_with is
** explain_finding without allocating it again. One per thread. */
typedef struct explainer explainer;
explainer *explainer_new(void);
void explainer_free(explainer *e);
/* Pushes a cleanup that frees e if memory runs out while it is held (util.h). */
void explainer_hold(oom_cleanup *c, explainer *e);
void explain_with(explainer *e, const result *r, const finding *f, explanation *out);
void explanation_free(explanation *e);
/* Whether findings a and b of r are explained alike, known without explaining either: both
** ikke_aktuell for nothing of their rules – a guideline whose condition is false in the trace
** they share, or (without a trace) the same message, as for a rule or guideline not in force.
** false says only that it is not known. */
bool explain_same(const result *r, const finding *a, const finding *b);
/* explanation_free after explain_with, keeping e's memory in x for the next explanation */
void explanation_done(explainer *x, explanation *e);
/* Empties e and pushes a cleanup that frees it if memory runs out while it is held
** (util.h); pop it with oom_pop before explanation_free. */
void explanation_hold(oom_cleanup *c, explanation *e);

/* A fact's value as a caseworker reads it: 15.05.2024, «ikke registrert», «ingen», ja/nei, a
** choice by its label (type is the fact's type in the schema, or BC_NONE). */
void explain_value(const bc_program *p, uint32_t type, value v, buf *out);

#endif

/*
** Evaluating one case against a program: which guideline version is in force, which
** rules apply, one finding per rule (or per item in scope), each with its status,
** message, justification (the VM's trace) and documentation points. The result points
** into the case and the program; it is valid until either is freed.
*/
#ifndef NORM_EVAL_H
#define NORM_EVAL_H

#include "case.h"
#include "vm.h"

typedef enum {
  F_BRUDD, F_AVVIK, F_UKJENT, F_VURDER, F_BEGRUNNET, F_OPPFYLT, F_IKKE_AKTUELL, F__COUNT
} fstatus;

extern const char *const fstatus_name[F__COUNT];        /* "brudd", … as in norm-resultat/1 */
extern const char *const fstatus_label[F__COUNT];       /* "Brudd", … for people */
/* The names as JSON: a string value ("\"brudd\"") and a key ("\"brudd\":"), for writers
** that copy them as they are. */
typedef struct { const char *s; size_t len; } fstatus_json;
extern const fstatus_json fstatus_value[F__COUNT], fstatus_key[F__COUNT];

/* A finding's why is its trace as the VM recorded it; what an entry names in words is
** why_text's, made when a report asks. */
typedef trace_entry why_entry;

typedef struct {
  uint32_t rule;
  fstatus status;
  const char *item;          /* gjelder, or NULL */
  bool by_exception;         /* ikke_aktuell because the rule's «unntak» held */
  const char *message;       /* in the result's arena, or the evaluator's own words */
  size_t message_len;
  bool message_plain;        /* the message goes into JSON as it is (jw_plain), known
                                when it was made; false: not known */
  VEC(why_entry) why;        /* in the result's arena: made whole once, never grown */
  VEC(uint32_t) docs;        /* indices into result.docs required by this finding */
} finding;

typedef struct {
  uint32_t rule, doc;
  const char *item;
  bool on_file;
} docreq;

typedef struct {
  const bc_program *p;
  const char *sak_id;
  int32_t date;
  VEC(finding) findings;
  VEC(docreq) docs;
  size_t counts[F__COUNT];
  vm_status error;           /* VM_OK unless evaluation failed */
  char *error_rule;
  arena mem;                 /* the traces and their facts' paths, messages */
  const char **fact_path;    /* per fact of the case (nrec.fact + field): its path, once made */
  uint32_t nfacts;           /* how many facts the case has (ncase.nfacts); 0 without fact_path */
} result;

/* What a why entry names, as people and reports show it: a fact's JSON path (made when the
** trace was taken, once per fact and case), a condition's or a guideline's text, a note. It
** lives as long as the result and the program. */
const char *why_text(const result *r, const why_entry *w);

/* A case that would give more findings than this is not judged (VM_ERR_FINDINGS): a result,
** and the report made from it, stay bounded whatever the case's lists hold. Each finding's
** trace is bounded too (VM_TRACE_MAX_FACTS). */
#define EVAL_MAX_FINDINGS 10000u

/* Evaluates c at `date`; vm must be made for c's program. On an error (r->error) the
** findings are incomplete and must not be reported as a result. */
void eval_case(vm *m, const ncase *c, int32_t date, result *r);

/* EVAL_STATUS decides only each finding's status (and its item): no trace, no message,
** no documentation points – what a compact report needs, at the cost of the rules alone.
** The statuses are the same as EVAL_FULL's. */
typedef enum { EVAL_FULL, EVAL_STATUS } eval_detail;
void eval_case_detail(vm *m, const ncase *c, int32_t date, result *r, eval_detail detail);
/* What one thread judging case after case keeps from a result for the next: its arena's
** chunk (arena_recycle) and the room for its findings and documentation points, so that a
** case's memory does not grow from nothing again; and the messages the rule set alone
** decides («TITTEL: oppfylt.» for a rule that holds and has no words of its own), made the
** first time and pointed at by every result made with the spare, which must not outlive it.
** Zeroed to begin; eval_spare_free at the end. */
typedef struct {
  arena mem;
  finding *findings;
  size_t findings_cap;
  docreq *docs;
  size_t docs_cap;
  const bc_program *words_for;   /* the program the messages below are of (one per spare) */
  struct eval_words *fulfilled;  /* per rule of it */
  arena words;
} eval_spare;
void eval_spare_free(eval_spare *s);
/* eval_case_detail with the result's memory taken from spare, where result_recycle kept it
** from the case before. */
void eval_case_reusing(vm *m, const ncase *c, int32_t date, result *r, eval_detail detail, eval_spare *spare);
void result_free(result *r);
void result_recycle(result *r, eval_spare *spare);

#endif

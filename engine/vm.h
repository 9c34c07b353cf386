/*
** The norm VM: runs one verified code block at a time against a loaded case and
** records, per finding, the facts it read and the conditions it evaluated (the trace
** that becomes `begrunnelse`). A vm belongs to one thread; the program is shared and
** read-only. Nothing is allocated per instruction.
*/
#ifndef NORM_VM_H
#define NORM_VM_H

#include "bytecode.h"

typedef struct vm vm;

typedef enum {
  VM_OK,
  VM_ERR_TYPE,       /* a value of the wrong kind: the program is inconsistent */
  VM_ERR_BUDGET,     /* the case's instruction budget ran out */
  VM_ERR_FINDINGS,   /* (the evaluator's) the case gives more than EVAL_MAX_FINDINGS findings */
} vm_status;

/* Instructions one case may use over all its rule runs (set by vm_set_case), so that the
** cost of a case is bounded whatever its lists hold and however the rules loop over them. */
#define VM_BUDGET 50000000u
#define VM_BUDGET_WORDS "50 millioner instruksjoner"

/* A trace keeps at most VM_TRACE_MAX_FACTS facts (and each condition at most once per
** truth value), so its size is bounded by the program, never by the lists a rule walked;
** vm_trace_more says how many were left out, and a finding ends with a TR_MORE entry then
** (cond: that count). */
typedef enum { TR_FACT, TR_COND, TR_NOTE, TR_GUIDE, TR_MORE } trace_kind;

#define VM_TRACE_MAX_FACTS 64

typedef struct {
  uint32_t kind;             /* trace_kind */
  uint32_t field;            /* TR_FACT: its field */
  union {
    const nrec *rec;         /* TR_FACT: record read from */
    const char *text;        /* TR_MORE: what was left out, in words (made by the evaluator) */
  };
  uint32_t cond;             /* TR_COND: condition index; TR_GUIDE: string id of its text;
                                TR_NOTE: string id of a note, or BC_NONE for a regex limit */
  value v;                   /* the value read, or the condition's result */
} trace_entry;

vm *vm_new(const bc_program *p);
void vm_free(vm *m);

/* Sets the case (root record, whose records number nfacts fields in all: ncase.nfacts)
** and the effective assessment date. The case is only read: any number of VMs may
** judge it at once. */
void vm_set_case(vm *m, const nrec *root, uint32_t nfacts, int32_t today);
/* Sets the rule and item (or NULL) that built-ins like gjelder_regel() refer to, and
** clears the locals; the item is stored in the rule's item local by the caller. */
void vm_set_rule(vm *m, uint32_t rule, const nrec *item);
void vm_set_local(vm *m, uint32_t slot, value v);

/* Coverage for rule tests: when map is set, every condition evaluated sets a bit in
** map[owner * conds.len + cond]: 1 ukjent, 2 usann, 4 sann. The owner is the rule set by
** vm_set_rule, or rules.len + g after vm_cover_guide(g) (a guideline's condition). The
** map holds (rules.len + guides.len) * conds.len bytes and belongs to the caller. */
void vm_coverage(vm *m, uint8_t *map);
void vm_cover_guide(vm *m, uint32_t guide);
bool vm_covering(const vm *m);           /* a coverage map is set */

/* Starts a new trace (a new finding). Tracing can be switched off (messages). */
void vm_trace_begin(vm *m);
void vm_trace_enable(vm *m, bool on);
const trace_entry *vm_trace(const vm *m, size_t *n);
/* How many distinct facts this trace read beyond the VM_TRACE_MAX_FACTS it kept. */
uint32_t vm_trace_more(const vm *m);
void vm_trace_note(vm *m, uint32_t str, value v);
/* Records a guideline's condition (by its source text) with its value. */
void vm_trace_guide(vm *m, uint32_t text, value v);

vm_status vm_run(vm *m, uint32_t block, value *result);
const char *vm_status_text(vm_status s);
/* Why a TR_NOTE entry left a condition unknown (a regular expression hit a limit). */
const char *vm_note_text(const trace_entry *e);

/* The text EMITted by message blocks since the last reset. */
void vm_message_reset(vm *m);
const char *vm_message(const vm *m);
size_t vm_message_len(const vm *m);
/* Whether the message since vm_message_reset goes into JSON as it is (jw_plain), known
** without looking at the rule set's own text again. */
bool vm_message_plain(const vm *m);

/* For built-ins. */
int32_t vm_today(const vm *m);
bool vm_is_current_rule(const vm *m, const nstr *s);
bool vm_is_current_item(const vm *m, const nstr *s);
/* Formats v for people (dates DD.MM.ÅÅÅÅ, durations "6 måneder", ja/nei) into b. */
void vm_format(const bc_program *p, value v, buf *b);
/* A duration as how often («hver 3. måned», «hver uke», «hvert 2. år»): a message's
** «hver {intervall}» (or «hvert {…}») is compiled to this. */
void vm_format_every(const bc_program *p, value v, buf *b);
/* The same for a value of choice type t (or a list of them): each value by its label. */
void vm_format_choice(const bc_program *p, uint32_t t, value v, buf *b);

#endif

/*
** Conditions in words: what an explanation says instead of rule-language syntax. The
** compiler renders every condition once, from the checked syntax tree, in two forms – when
** it holds and when it does not – using the editors' own words: a field's label from the
** schema («planlagt slutt»), a definition's phrase («tiltak {t.id} pågår»), operators as
** words («er minst», «er ikke før»), values as people write them (15.05.2024, «6 måneder»).
** Where a phrase names a value of the case ({t.id}), the words hold a marker (WORDS_MARK,
** record index, ':', field index, WORDS_MARK) that the explanation fills in from the facts.
*/
#ifndef NORM_WORDS_H
#define NORM_WORDS_H

#include "ast.h"
#include "bytecode.h"

#define WORDS_MARK '\x01'
/* After a field's label, a hidden reference (WORDS_FACT, record, ':', field, WORDS_FACT) to
** the fact it names, so an explanation can show the value beside the words. */
#define WORDS_FACT '\x02'

/* Appends e (a checked condition: sema has set its types and names) in words to out, as
** what holds when `holds`, else as what does not hold. */
void words_cond(const bc_program *p, const ast_expr *e, bool holds, buf *out);

/* What people call field f of record rec: its label, else its name with spaces. */
void words_field(const bc_program *p, uint32_t rec, uint32_t f, buf *out);

#endif

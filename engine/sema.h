/*
** Semantic analysis: the fact schema built from `post`/`skjema` declarations, the
** typing rules of operators, and "mente du …?" suggestions. The compiler's walk
** (compile.c) calls these as it goes; sema owns no code generation.
*/
#ifndef NORM_SEMA_H
#define NORM_SEMA_H

#include "ast.h"
#include "bytecode.h"

/* Builds types and records from the unit's schema into p. False on errors (reported). */
bool sema_schema(ast_unit *u, bc_program *p);

/* Result type of `l op r`, or TY_ERROR with a Norwegian reason in *why. */
uint32_t sema_binary(const bc_program *p, ast_binop op, uint32_t l, uint32_t r, const char **why);
bool sema_assignable(const bc_program *p, uint32_t want, uint32_t got);
bool sema_is_bool(uint32_t t);

/* Field index of `name` in record rec, or BC_NONE. */
uint32_t sema_field(const bc_program *p, uint32_t rec, const char *name);

/* Appends « – mente du «x»?» to b when a candidate is close to name. */
void sema_suggest(buf *b, const char *name, const char *const *cands, size_t n);
void sema_suggest_field(buf *b, const bc_program *p, uint32_t rec, const char *name);

/* The rule language's word for `word` (len bytes) when it is what a formula, a query or
** another language would write there – «and» is «og», «true» is «sann», «OG» is «og» – or
** NULL. For «uventet …» and «ukjent navn …»: an editor who knows Excel or SQL is told the
** word, not a guess from spelling. */
const char *sema_native_word(const char *word, size_t len);
/* Appends « – i regelspråket heter det «og», ikke «and»» to b when sema_native_word knows
** word; returns whether it did. */
bool sema_suggest_native(buf *b, const char *word, size_t len);

/* If t is an enumeration, checks that the literal is one of its values. */
bool sema_enum_ok(const bc_program *p, uint32_t t, const char *s, size_t len, buf *why);

#endif

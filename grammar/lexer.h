/*
** Entry point of the front end: lex and parse one text into an ast_unit.
** The generated scanner (lexer_gen.h) and parser (parser.h) are private to grammar/.
*/
#ifndef NORM_LEXER_H
#define NORM_LEXER_H

#include "../engine/ast.h"

struct lex_extra {
  ast_unit *u;
  uint32_t file;
  uint32_t line, col, off;                 /* position of the next byte */
  uint32_t saved_line, saved_col, saved_off;
  int start_token;                         /* START_FILE or START_EXPR, sent first */
  bool comments;                           /* return COMMENT tokens (the formatter) */
};

/* Parses `text` (bytes of file `file` starting at line:col, byte offset off) as a
** whole file (start = START_FILE) or a single expression (start = START_EXPR, result
** in u->parsed_expr). Diagnostics go to u->src. Returns false on any error. */
bool lex_parse(ast_unit *u, uint32_t file, const char *text, size_t len, int start,
               uint32_t line, uint32_t col, uint32_t off);
bool lex_parse_file(ast_unit *u, uint32_t file);

/* Calls fn for every token of file `file`, comments included, with the parser's token
** kind (parser.h; COMMENT for a comment) and its location. Returns false on a lexical
** error (reported to u->src). The formatter's view of a file. */
typedef void (*lex_token_fn)(void *ctx, int kind, srcloc loc);
bool lex_tokens(ast_unit *u, uint32_t file, lex_token_fn fn, void *ctx);
bool lex_parse_expr(ast_unit *u, uint32_t file, const char *text, size_t len,
                    uint32_t line, uint32_t col, uint32_t off);

#endif

/*
** Source files and diagnostics. A srcset owns every source text of one compilation
** (rule files, the embedded stdlib) so that any location can be printed later as
** `file:line:col`, the source line and a caret under the span. Messages are bokmål.
*/
#ifndef NORM_DIAG_H
#define NORM_DIAG_H

#include "util.h"
#include <stdio.h>

typedef struct {
  uint32_t file;              /* index into srcset.files */
  uint32_t line, col;         /* 1-based; col counts code points */
  uint32_t end_line, end_col; /* inclusive end column */
  uint32_t off, end_off;      /* byte offsets [off, end_off) in the file's text */
} srcloc;

typedef struct {
  char *name;                 /* as shown to the user */
  char *path;                 /* resolved path, or NULL for embedded text */
  char *key;                  /* name compiled into the program (relative to the rule
                                 folder, see frontend.c), or NULL: the same as name */
  char *text;                 /* owned, NUL-terminated */
  size_t len;
} srcfile;

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_level;

typedef struct {
  diag_level level;
  srcloc loc;
  bool has_loc;
  char *msg;
} diag;

typedef struct {
  VEC(srcfile) files;
  VEC(diag) diags;
  size_t errors;
  size_t max_errors;          /* stop collecting after this many (0 = 50) */
} srcset;

void src_init(srcset *s);
void src_free(srcset *s);
/* Takes ownership of text. Returns the file index. */
uint32_t src_add(srcset *s, const char *name, const char *path, char *text, size_t len);
/* The name a compiled program records for file f: its key, else its name. */
const char *src_key(const srcset *s, uint32_t f);

void diag_at(srcset *s, diag_level lvl, srcloc loc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_plain(srcset *s, diag_level lvl, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Text of the span, e.g. a condition's source. Caller frees. */
char *src_span(const srcset *s, srcloc loc);
/* Prints every diagnostic in order; colour when `color`. */
void diag_print_all(const srcset *s, FILE *out, bool color);
void diag_print(const srcset *s, const diag *d, FILE *out, bool color);

#endif

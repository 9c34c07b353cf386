/*
** The canonical layout of a rule file (`norm fmt`). Works on the token stream, comments
** included, so nothing but whitespace ever changes: the result is checked by lexing it
** again and comparing every token and comment with the original.
*/
#ifndef NORM_FORMAT_H
#define NORM_FORMAT_H

#include "diag.h"
#include "util.h"

/* Appends the formatted text of src's file `file` to out. A file that does not parse is
** not formatted: its diagnostics are in src and the result is false. */
bool fmt_file(srcset *src, uint32_t file, buf *out);

#endif

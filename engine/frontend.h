/*
** From paths on disk to a verified program: reads rule files (a file, or every .norm
** file of a folder in name order), the embedded stdlib first, follows `bruk` imports
** once each, parses, compiles, serializes and loads the bytes back through the
** verifier, so a rule set compiled in memory is exactly what a .normc would hold.
*/
#ifndef NORM_FRONTEND_H
#define NORM_FRONTEND_H

#include "bytecode.h"
#include "ast.h"
#include "diag.h"

/* Embedded stdlib files (generated at build time from stdlib/ *.norm). */
typedef struct { const char *name; const char *text; size_t len; } std_file;
extern const std_file std_files[];
extern const size_t std_nfiles;

#define FE_MAX_SOURCE (4u << 20)

/* Compiles paths; diagnostics in src. On success *bytes holds the .normc image. */
bool fe_compile(srcset *src, const char *const *paths, size_t npaths, buf *bytes);

/* Like fe_compile (bytes may be NULL), and on success hands the checked syntax tree and
** the compiled program to fn before both are freed: for tools that read the sources
** themselves (doc, lint). */
typedef void (*fe_visit)(void *ctx, ast_unit *u, const bc_program *p);
bool fe_analyze(srcset *src, const char *const *paths, size_t npaths, buf *bytes, fe_visit fn, void *ctx);

/* Compiles (sources) or reads (.normc) `path` and loads it verified into p.
** On failure prints what is wrong to err (unless NULL) and returns false. */
bool fe_load_ruleset(const char *path, bc_program *p, FILE *err, bool color);
/* The same, also appending the exact .normc bytes that were loaded to image. */
bool fe_load_ruleset_image(const char *path, bc_program *p, buf *image, FILE *err, bool color);

#endif

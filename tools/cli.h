/*
** What every `norm` subcommand shares: exit statuses, usage errors, where the shipped
** rules are, colour, and walking case inputs (files, folders, NDJSON, standard input).
** Each subcommand lives in its own tools/cmd_*.c and is dispatched from tools/norm.c.
*/
#ifndef NORM_CLI_H
#define NORM_CLI_H

#include <stdbool.h>
#include <limits.h>
#include <stdio.h>

#include "bytecode.h"
#include "util.h"

#include "version.h"

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

/* Prints "norm CMD: <fmt with arg>" and a pointer to the help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg) __attribute__((format(printf, 2, 0)));

/* The shipped rules: $NORM_RULES, else rules/ beside the binary's project, else ./rules. */
const char *cli_default_rules(char *out, size_t n);

/* --format text, or the same in Norwegian (tekst, as norm serve's ?format= says it). */
bool cli_is_text(const char *format);

/* "auto", "alltid" or "aldri" (validated by the caller). */
bool cli_use_color(const char *when, FILE *f);

/* Called once per case: `name` names it for messages (file, or file:line in NDJSON). */
typedef void (*cli_case_fn)(void *ctx, const char *name, const char *text, size_t len);

/* Feeds every case under `path` to fn: a file, a folder (its .json/.ndjson/.jsonl files and
** its subfolders, in name order; each folder once, however it is linked), an NDJSON file
** (one case per non-blank line) or "-" (standard input: one JSON document, or NDJSON).
** Errors reading a path, and a path holding no case, are printed to stderr; returns false
** when any occurred. */
bool cli_each_case(const char *path, cli_case_fn fn, void *ctx);
/* The same, and idle is called before a read that would wait for more input (standard
** input, a pipe): the caller writes what it has judged, so results keep pace with input. */
typedef void (*cli_idle_fn)(void *ctx);
bool cli_each_case_idle(const char *path, cli_case_fn fn, cli_idle_fn idle, void *ctx);

/* Whether -o may write `out` (prints why not, as "norm CMD: …"): it must be a regular file
** or not exist yet – never a device, FIFO, socket or folder – and it must not be one of the
** inputs, nor a case file inside an input folder. Nothing the user did not ask to be written
** is ever overwritten or truncated. A symbolic link is written through, never replaced. */
bool cli_output_ok(const char *cmd, const char *out, const char *const *inputs, size_t ninputs);

/* The cores this process may run on (taskset and containers narrow it): -j's default. */
size_t cli_cores(void);

/* --trust: whether rule set p (loaded from `what`) is signed by the Ed25519 public key in
** the PEM file `trust`; says why not on stderr. */
bool cli_trusted(const char *cmd, const bc_program *p, const char *what, const char *trust);
/* The file to write for out: out itself, or the file a symbolic link at out points to. */
void cli_output_target(const char *out, char target[PATH_MAX]);

/* Prints case_load's errors, one line each, as "PREFIX: NAME: path: message". */
void cli_print_case_errors(const char *prefix, const char *name, const char *errors);

/* The .norm-like files of a folder with this suffix, sorted; caller frees each and the vector. */
typedef VEC(char *) cli_names;
bool cli_list_dir(const char *dir, const char *suffix, cli_names *out);
void cli_names_free(cli_names *n);

#endif

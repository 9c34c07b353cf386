/*
** The .normc file: writing a program to bytes and loading bytes into a program.
** Loading always verifies (verify.c) before returning: a program that bcf_load
** accepted is safe to run. Layout in bytecode.h.
*/
#ifndef NORM_BCFILE_H
#define NORM_BCFILE_H

#include "bytecode.h"

#define BCF_MAX_FILE NORM_MAX_NORMC_BYTES

/* Serializes p (header with SHA-256 of the payload) into out. */
void bcf_write(const bc_program *p, buf *out);

/* Parses and verifies; on failure returns false with a Norwegian reason in *why
** (caller frees) and p holding nothing. p's digest fields are set on success. */
bool bcf_load(const uint8_t *data, size_t len, bc_program *p, char **why);

void bcf_sha256(const void *data, size_t len, uint8_t out[32]);
void bcf_hex(const uint8_t *d, size_t n, char *out);

#endif

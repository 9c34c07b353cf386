/*
** What the libFuzzer harnesses share: the shipped rule set, compiled once, and a way to
** hand bytes to code that reads a path (a file in memory-backed /dev/shm).
*/
#ifndef NORM_FUZZ_COMMON_H
#define NORM_FUZZ_COMMON_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "frontend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The rule folder the harnesses judge with: $NORM_FUZZ_RULES, else rules/ (make fuzz runs
** from the project's root). Aborts when it does not compile: that is not a finding. */
static inline void fuzz_program(bc_program *p)
{
  const char *rules = getenv("NORM_FUZZ_RULES");
  if (!fe_load_ruleset(rules ? rules : "rules", p, stderr, false)) {
    fprintf(stderr, "fuzz: regelsettet kan ikke lastes\n");
    abort();
  }
}

/* data as a file, for code that reads a path: written to memory-backed /dev/shm (or
** $TMPDIR) under a name of this process; fuzz_done removes it. */
static inline void fuzz_file(const uint8_t *data, size_t size, const char *name, char path[256])
{
  const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  snprintf(path, 256, "%s/norm-fuzz-%ld-%s", dir, (long)getpid(), name);
  FILE *f = fopen(path, "wb");
  if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) abort();
}

static inline void fuzz_done(const char *path) { unlink(path); }

#endif

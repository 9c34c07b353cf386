/*
** Rule source text: lexer, parser, semantic checks, compiler, serializer and verifier,
** as `norm compile` runs them (the embedded stdlib first, then the file).
*/
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char path[256];
  fuzz_file(data, size, "regler.norm", path);
  srcset src;
  src_init(&src);
  buf bytes;
  buf_init(&bytes);
  const char *paths[1] = { path };
  fe_compile(&src, paths, 1, &bytes);
  FILE *sink = getenv("NORM_FUZZ_VERBOSE") ? stderr : fopen("/dev/null", "w");
  diag_print_all(&src, sink, false);
  if (sink != stderr) fclose(sink);
  src_free(&src);
  buf_free(&bytes);
  fuzz_done(path);
  return 0;
}

/*
** Rule-test files (.normtest): the parser, base cases inline, edits (sett, fjern, legg_til)
** and running the tests against the shipped rules.
*/
#include "fuzz_common.h"

#include "ruletest.h"

static bc_program prog;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  fuzz_program(&prog);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char path[256];
  fuzz_file(data, size, "t.normtest", path);
  FILE *null = fopen("/dev/null", "w");
  rt_suite *s = rt_suite_new(&prog, NULL);
  if (rt_suite_add_file(s, path, null)) {
    rt_summary sum = rt_suite_run(s, null, true, false);
    free(sum.gaps);
  }
  rt_suite_free(s);
  fclose(null);
  fuzz_done(path);
  return 0;
}

/*
** Case JSON, all the way: the loader (simdjson, and jansson for the words of an error),
** evaluation with the shipped rules, and every report of the result (JSON, compact, text
** with explanations and the whole trace). The case's and the result's memory is recycled from
** input to input, as a judge does (under ASan a recycled chunk is poisoned until handed out
** again, so a pointer kept from the input before is caught).
*/
#include "fuzz_common.h"

#include "case.h"
#include "eval.h"
#include "report.h"

static bc_program prog;
static vm *machine;
static case_reader *reader;
static eval_spare spare;                      /* the result's memory, from input to input */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  fuzz_program(&prog);
  machine = vm_new(&prog);
  reader = case_reader_new(&prog);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ncase c;
  buf errors, out;
  buf_init(&errors);
  buf_init(&out);
  char digest[65];
  if (case_read(reader, (const char *)data, size, &c, &errors, digest)) {
    result r;
    eval_case_reusing(machine, &c, c.has_date ? c.date : 19723, &r, EVAL_FULL, &spare);
    report_json(&r, &out);
    report_compact(&r, &out);
    FILE *null = fopen("/dev/null", "w");
    text_opts o = { false, true, true };
    report_text(&r, null, &o);
    fclose(null);
    result_recycle(&r, &spare);
  }
  case_recycle(reader, &c);
  buf_free(&errors);
  buf_free(&out);
  return 0;
}

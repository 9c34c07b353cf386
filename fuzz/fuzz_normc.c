/*
** .normc bytes: the loader and the verifier. The first byte chooses how the rest is used:
** even, as it is (the digest check must refuse any change); odd, with the SHA-256 in the
** header recomputed and the length fixed, so that the verifier itself is what is fuzzed.
** A program the verifier accepts is run on the example case: its promise is that any
** accepted program is safe to run. It is run three times: with a full result (the code as
** the VM lays it out, with its CONDs), with statuses only (the lean code, without them),
** and with a full result while coverage is recorded (the code as compiled and verified).
** All must give the same statuses, and the two full results traces of the same length.
*/
#include "fuzz_common.h"

#include <string.h>

#include "bcfile.h"
#include "case.h"
#include "eval.h"
#include "report.h"

static char *example;
static size_t example_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  const char *err;
  example = read_file("examples/saksmappe-eksempel.json", 1u << 20, &example_len, &err);
  if (!example) abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (!size) return 0;
  bool resign = data[0] & 1;
  data++;
  size--;
  uint8_t *copy = malloc(size ? size : 1);
  memcpy(copy, data, size);
  if (resign && size >= BC_HEADER_LEN) {
    uint64_t plen = size - BC_HEADER_LEN;
    for (int i = 0; i < 8; i++) copy[12 + i] = (uint8_t)(plen >> (8 * i));
    bcf_sha256(copy + BC_HEADER_LEN, plen, copy + 20);
  }
  bc_program p;
  char *why = NULL;
  if (bcf_load(copy, size, &p, &why)) {
    vm *m = vm_new(&p), *compiled = vm_new(&p);
    uint8_t *map = calloc((p.rules.len + p.guides.len) * p.conds.len + 1, 1);
    if (!map) abort();
    vm_coverage(compiled, map);
    ncase c;
    buf errors, out;
    buf_init(&errors);
    buf_init(&out);
    if (case_load(&p, example, example_len, &c, &errors)) {
      result r, s, t;
      eval_case(m, &c, 20000, &r);
      report_json(&r, &out);
      /* statuses only: every block in the VM's lean code (vm.c), which must decide the same */
      eval_case_detail(m, &c, 20000, &s, EVAL_STATUS);
      if (r.error == VM_OK && s.error == VM_OK) {
        if (r.findings.len != s.findings.len) abort();
        for (size_t i = 0; i < r.findings.len; i++)
          if (r.findings.items[i].rule != s.findings.items[i].rule || r.findings.items[i].status != s.findings.items[i].status) abort();
      }
      /* the code as compiled (coverage is recorded): the same statuses and traces */
      eval_case(compiled, &c, 20000, &t);
      if (r.error == VM_OK && t.error == VM_OK) {
        if (r.findings.len != t.findings.len) abort();
        for (size_t i = 0; i < r.findings.len; i++)
          if (r.findings.items[i].rule != t.findings.items[i].rule || r.findings.items[i].status != t.findings.items[i].status ||
              r.findings.items[i].why.len != t.findings.items[i].why.len)
            abort();
      }
      result_free(&t);
      result_free(&s);
      result_free(&r);
    }
    case_free(&c);
    buf_free(&errors);
    buf_free(&out);
    vm_free(m);
    vm_free(compiled);
    free(map);
  }
  free(why);
  bc_free(&p);
  free(copy);
  return 0;
}

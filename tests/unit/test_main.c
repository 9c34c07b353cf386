/*
** The unit-test runner: every group, then cmocka's summary for each.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/wait.h>

#include "helpers.h"
#include "norm.h"

#ifdef UNDER_ASAN
/* Memory of a function that has returned is reported too (a waiter left in a queue after
** it returned was found this way: test_log_that_fails_while_judges_wait). */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "detect_stack_use_after_return=1"; }
#endif

bool th_compile(const char *name, const char *src, buf *bytes, buf *diags)
{
  char dir[] = "/tmp/normtestXXXXXX";
  if (!mkdtemp(dir)) return false;
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  fputs(src, f);
  fclose(f);
  srcset s;
  src_init(&s);
  const char *paths[1] = { path };
  bool ok = fe_compile(&s, paths, 1, bytes);
  if (diags) {
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    diag_print_all(&s, m, false);
    fclose(m);
    buf_put(diags, text, len);
    free(text);
  }
  src_free(&s);
  unlink(path);
  rmdir(dir);
  return ok;
}

char *th_errors(const char *name, const char *prefix, const char *body)
{
  buf src, bytes, diags;
  buf_init(&src);
  buf_init(&bytes);
  buf_init(&diags);
  buf_puts(&src, prefix);
  buf_puts(&src, body);
  bool ok = th_compile(name, src.data, &bytes, &diags);
  assert_false(ok);
  buf_free(&src);
  buf_free(&bytes);
  return buf_take(&diags);
}

void th_program(const char *src, bc_program *p)
{
  buf bytes, diags;
  buf_init(&bytes);
  buf_init(&diags);
  bool ok = th_compile("regler.norm", src, &bytes, &diags);
  if (!ok) fprintf(stderr, "%s", diags.data ? diags.data : "");
  assert_true(ok);
  char *why = NULL;
  ok = bcf_load((const uint8_t *)bytes.data, bytes.len, p, &why);
  if (!ok) fprintf(stderr, "%s\n", why);
  assert_true(ok);
  buf_free(&bytes);
  buf_free(&diags);
}

bool th_chromium(void)
{
  char *out;
  if (th_run("command -v chromium", &out) == 0) {
    free(out);
    return true;
  }
  free(out);
  if (th_run("sh tools/install-chromium.sh", &out) == 0) {
    free(out);
    return true;
  }
  print_message("HOPPER OVER nettlesertesten: Chromium er ikke installert og kan ikke installeres her: %s", out);
  free(out);
  return false;
}

const char *th_status(const bc_program *p, const char *json, const char *date, const char *id, size_t index)
{
  ncase c;
  buf errors;
  buf_init(&errors);
  bool ok = case_load(p, json, strlen(json), &c, &errors);
  if (!ok) fprintf(stderr, "%s", errors.data);
  assert_true(ok);
  buf_free(&errors);
  int32_t d;
  assert_true(date_parse(date, strlen(date), &d));
  vm *m = vm_new(p);
  result r;
  eval_case(m, &c, d, &r);
  assert_int_equal(r.error, VM_OK);
  const char *status = "(ingen)";
  size_t seen = 0;
  for (size_t i = 0; i < r.findings.len; i++)
    if (!strcmp(bc_str(p, p->rules.items[r.findings.items[i].rule].id), id) && seen++ == index)
      status = fstatus_name[r.findings.items[i].status];
  result_free(&r);
  vm_free(m);
  case_free(&c);
  return status;
}

char *th_case(const char *members)
{
  buf b;
  buf_init(&b);
  buf_printf(&b, "{\"format\": \"saksmappe/1\", \"sak_id\": \"T-1\"%s%s}", *members ? ", " : "", members);
  return buf_take(&b);
}

const char *th_norm(void)
{
  const char *n = getenv("NORM");
  return n ? n : "build/norm";
}

int th_run(const char *cmd, char **out)
{
  /* the whole command line's standard error, not just its last command's */
  char full[8192];
  if ((size_t)snprintf(full, sizeof full, "(%s) 2>&1", cmd) >= sizeof full) fail_msg("command too long: %.80s…", cmd);
  FILE *f = popen(full, "r");
  assert_non_null(f);
  buf b;
  buf_init(&b);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_put(&b, chunk, n);
  int st = pclose(f);
  *out = buf_take(&b);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

char *th_runf(int want, const char *fmt, ...)
{
  char cmd[4096], *out;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  int st = th_run(cmd, &out);
  if (st != want) fail_msg("«%s» exited %d, not %d:\n%s", cmd, st, want, out);
  return out;
}

char *th_slurp(const char *path)
{
  size_t len;
  const char *err;
  char *text = read_file(path, 1u << 26, &len, &err);
  if (!text) fail_msg("%s: %s", path, err);
  return text;
}

void th_load_case(const bc_program *p, const char *path, ncase *c)
{
  char *json = th_slurp(path);
  buf errors;
  buf_init(&errors);
  if (!case_load(p, json, strlen(json), c, &errors)) fail_msg("%s: %s", path, errors.data);
  buf_free(&errors);
  free(json);
}

static struct norm_drawer *drawer;

struct norm_drawer *th_drawer(void)
{
  if (!drawer) drawer = norm_drawer_new();
  if (!drawer) fail_msg("norm_drawer_new: ikke nok minne");
  return drawer;
}

int th_judging_setup(void **state)
{
  th_judging *fx = calloc(1, sizeof *fx);
  norm_error err;
  *state = fx;
  if (norm_rules_load("rules", &fx->rules, &err) != NORM_OK) return -1;
  fx->judge = norm_judge_new(fx->rules);
  fx->drawer = th_drawer();
  fx->json = th_slurp("examples/saksmappe-eksempel.json");
  fx->len = strlen(fx->json);
  return fx->judge ? 0 : -1;
}

int th_judging_teardown(void **state)
{
  th_judging *fx = *state;
  norm_judge_free(fx->judge);
  norm_rules_free(fx->rules);
  free(fx->json);
  free(fx);
  return 0;
}

/* Every group, or only those named on the command line (build/unit-tests jsonw explain). */
int main(int argc, char **argv)
{
  static const struct { const char *name; int (*run)(void); } groups[] = {
    { "date", th_date_tests }, { "lexparse", th_lexparse_tests }, { "compile", th_compile_tests },
    { "verify", th_verify_tests }, { "vm", th_vm_tests }, { "case", th_case_tests },
    { "rules", th_rules_tests }, { "golden", th_golden_tests }, { "quality", th_quality_tests },
    { "format", th_format_tests }, { "audit", th_audit_tests }, { "audit-threads", th_audit_thread_tests },
    { "graph", th_graph_tests },
    { "explain", th_explain_tests }, { "jsonw", th_jsonw_tests }, { "batch", th_batch_tests },
    { "limits", th_limits_tests }, { "sign", th_sign_tests }, { "oom", th_oom_tests },
    { "serve", th_serve_tests }, { "api", th_api_tests },
  };
  int failed = 0, ran = 0;
  for (size_t g = 0; g < sizeof groups / sizeof *groups; g++) {
    bool wanted = argc < 2;
    for (int i = 1; i < argc; i++) wanted |= !strcmp(argv[i], groups[g].name);
    if (!wanted) continue;
    failed += groups[g].run();
    ran++;
  }
  norm_drawer_free(drawer);
  if (!ran) {
    fprintf(stderr, "unit-tests: ingen gruppe med det navnet\n");
    return 2;
  }
  return failed ? 1 : 0;
}

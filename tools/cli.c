/*
** Shared pieces of the `norm` command (see cli.h).
*/
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case.h"
#include "cli.h"

int cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  fprintf(stderr, "norm%s%s: ", cmd ? " " : "", cmd ? cmd : "");
  fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
  fprintf(stderr, "\nSe «norm help%s%s».\n", cmd ? " " : "", cmd ? cmd : "");
  return EXIT_USAGE;
}

const char *cli_default_rules(char *out, size_t n)
{
  const char *env = getenv("NORM_RULES");
  if (env && *env) return env;
  char exe[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len > 0) {
    exe[len] = 0;
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = 0;
      const char *up[] = { "/rules", "/../rules", "/../../rules" };
      for (size_t i = 0; i < 3; i++) {
        struct stat st;
        snprintf(out, n, "%s%s", exe, up[i]);
        if (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) return out;
      }
    }
  }
  return "rules";
}

bool cli_use_color(const char *when, FILE *f)
{
  if (!strcmp(when, "alltid")) return true;
  if (!strcmp(when, "aldri")) return false;
  return isatty(fileno(f)) && !getenv("NO_COLOR");
}

bool cli_list_dir(const char *dir, const char *suffix, cli_names *out)
{
  memset(out, 0, sizeof *out);
  DIR *d = opendir(dir);
  if (!d) return false;
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.' && str_has_suffix(e->d_name, suffix)) vec_push(out, xstrdup(e->d_name));
  closedir(d);
  if (out->len) qsort(out->items, out->len, sizeof *out->items, str_cmp_ptr);
  return true;
}

void cli_names_free(cli_names *n)
{
  for (size_t i = 0; i < n->len; i++) free(n->items[i]);
  vec_free(n);
}

static void each_line(const char *name, const char *text, size_t len, cli_case_fn fn, void *ctx)
{
  size_t lineno = 0;
  for (const char *p = text, *end = text + len; p < end;) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    lineno++;
    size_t blank = 0;
    while (blank < n && (p[blank] == ' ' || p[blank] == '\t' || p[blank] == '\r')) blank++;
    if (blank < n) {
      char label[PATH_MAX + 32];
      snprintf(label, sizeof label, "%s:%zu", name, lineno);
      fn(ctx, label, p, n);
    }
    p += n + (nl != NULL);
  }
}

static bool is_case_file(const char *name)
{
  return str_has_suffix(name, ".json") || str_has_suffix(name, ".ndjson") || str_has_suffix(name, ".jsonl");
}

bool cli_each_case(const char *path, cli_case_fn fn, void *ctx)
{
  if (!strcmp(path, "-")) {
    buf b;
    buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) buf_put(&b, chunk, n);
    each_line("(standard inn)", b.data ? b.data : "", b.len, fn, ctx);
    buf_free(&b);
    return true;
  }
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    cli_names names;
    if (!cli_list_dir(path, "", &names)) {
      fprintf(stderr, "norm: %s: mappen kan ikke leses\n", path);
      return false;
    }
    bool ok = true;
    for (size_t i = 0; i < names.len; i++) {
      if (!is_case_file(names.items[i])) continue;
      char full[PATH_MAX];
      snprintf(full, sizeof full, "%s/%s", path, names.items[i]);
      ok &= cli_each_case(full, fn, ctx);
    }
    cli_names_free(&names);
    return ok;
  }
  size_t len;
  const char *err;
  char *text = read_file(path, CASE_MAX_BYTES * 64u, &len, &err);
  if (!text) {
    fprintf(stderr, "norm: %s: %s\n", path, err);
    return false;
  }
  if (str_has_suffix(path, ".ndjson") || str_has_suffix(path, ".jsonl")) each_line(path, text, len, fn, ctx);
  else fn(ctx, path, text, len);
  free(text);
  return true;
}

void cli_print_case_errors(const char *prefix, const char *name, const char *errors)
{
  const char *line = errors ? errors : "";
  while (*line) {
    const char *nl = strchr(line, '\n');
    size_t n = nl ? (size_t)(nl - line) : strlen(line);
    fprintf(stderr, "%s: %s: %.*s\n", prefix, name, (int)n, line);
    line += n + (nl != NULL);
  }
}

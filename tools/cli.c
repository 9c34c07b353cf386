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

/* Feeds each non-blank line of text to fn as one case; returns how many. */
static size_t each_line(const char *name, const char *text, size_t len, cli_case_fn fn, void *ctx)
{
  size_t lineno = 0, cases = 0;
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
      cases++;
    }
    p += n + (nl != NULL);
  }
  return cases;
}

/* Whether the first non-blank line of text opens a JSON value it does not close: then the
** text is one document written over several lines, not NDJSON. */
static bool first_line_is_open(const char *text, size_t len)
{
  size_t i = 0;
  while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) i++;
  int depth = 0;
  bool in_str = false;
  for (; i < len && text[i] != '\n'; i++) {
    char ch = text[i];
    if (in_str) {
      if (ch == '\\') i++;
      else if (ch == '"') in_str = false;
    } else if (ch == '"') {
      in_str = true;
    } else if (ch == '{' || ch == '[') {
      depth++;
    } else if (ch == '}' || ch == ']') {
      depth--;
    }
  }
  return depth > 0;
}

static bool is_case_file(const char *name)
{
  return str_has_suffix(name, ".json") || str_has_suffix(name, ".ndjson") || str_has_suffix(name, ".jsonl");
}

typedef struct { dev_t dev; ino_t ino; } dir_id;

typedef struct {
  cli_case_fn fn;
  void *ctx;
  size_t cases;
  VEC(dir_id) dirs;          /* folders already walked: no loops, no repeats */
} walker;

static bool walk(walker *w, const char *path, bool named);

static bool walk_dir(walker *w, const char *path, const struct stat *st)
{
  for (size_t i = 0; i < w->dirs.len; i++)
    if (w->dirs.items[i].dev == st->st_dev && w->dirs.items[i].ino == st->st_ino) return true;
  dir_id id = { st->st_dev, st->st_ino };
  vec_push(&w->dirs, id);
  cli_names names;
  if (!cli_list_dir(path, "", &names)) {
    fprintf(stderr, "norm: %s: mappen kan ikke leses\n", path);
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < names.len; i++) {
    char full[PATH_MAX];
    size_t n = strlen(path);
    snprintf(full, sizeof full, "%s%s%s", path, n && path[n - 1] == '/' ? "" : "/", names.items[i]);
    struct stat sub;
    if (stat(full, &sub) != 0) continue;              /* a dangling link is not a case */
    if (S_ISDIR(sub.st_mode) || (S_ISREG(sub.st_mode) && is_case_file(names.items[i]))) ok &= walk(w, full, false);
  }
  cli_names_free(&names);
  return ok;
}

static bool walk(walker *w, const char *path, bool named)
{
  if (!strcmp(path, "-") && named) {
    buf b;
    buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) buf_put(&b, chunk, n);
    const char *text = b.data ? b.data : "";
    if (first_line_is_open(text, b.len)) {
      w->fn(w->ctx, "(standard inn)", text, b.len);
      w->cases++;
    } else {
      w->cases += each_line("(standard inn)", text, b.len, w->fn, w->ctx);
    }
    buf_free(&b);
    return true;
  }
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return walk_dir(w, path, &st);
  size_t len;
  const char *err;
  char *text = read_file(path, CASE_MAX_BYTES * 64u, &len, &err);
  if (!text) {
    fprintf(stderr, "norm: %s: %s\n", path, err);
    return false;
  }
  if (str_has_suffix(path, ".ndjson") || str_has_suffix(path, ".jsonl")) {
    w->cases += each_line(path, text, len, w->fn, w->ctx);
  } else {
    w->fn(w->ctx, path, text, len);
    w->cases++;
  }
  free(text);
  return true;
}

bool cli_each_case(const char *path, cli_case_fn fn, void *ctx)
{
  walker w = { fn, ctx, 0, { 0 } };
  bool ok = walk(&w, path, true);
  vec_free(&w.dirs);
  if (ok && !w.cases) {
    if (!strcmp(path, "-")) fprintf(stderr, "norm: standard inn: ingen saksmappe kom inn\n");
    else fprintf(stderr, "norm: %s: fant ingen saksmapper (filer med .json, .ndjson eller .jsonl, også i undermapper)\n", path);
    return false;
  }
  return ok;
}

static bool under_folder(const char *dir, const char *path)
{
  char rd[PATH_MAX], rp[PATH_MAX], parent[PATH_MAX];
  if (!realpath(dir, rd)) return false;
  /* the output may not exist yet: its folder does */
  snprintf(parent, sizeof parent, "%s", path);
  char *slash = strrchr(parent, '/');
  if (slash) *slash = 0;
  else snprintf(parent, sizeof parent, ".");
  if (!realpath(parent, rp)) return false;
  size_t n = strlen(rd);
  return !strncmp(rp, rd, n) && (rp[n] == '/' || rp[n] == 0);
}

bool cli_output_ok(const char *cmd, const char *out, const char *const *inputs, size_t ninputs)
{
  if (!*out) {
    fprintf(stderr, "norm %s: -o trenger en filsti\n", cmd);
    return false;
  }
  struct stat st;
  bool exists = stat(out, &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    fprintf(stderr, "norm %s: %s er %s; -o skriver bare vanlige filer\n", cmd, out,
            S_ISDIR(st.st_mode) ? "en mappe" : "ikke en vanlig fil (men en enhet, en FIFO eller en socket)");
    return false;
  }
  struct stat ln;
  if (lstat(out, &ln) == 0 && S_ISLNK(ln.st_mode) && !exists) {
    fprintf(stderr, "norm %s: %s er en symbolsk lenke til en fil som ikke finnes\n", cmd, out);
    return false;
  }
  for (size_t i = 0; i < ninputs; i++) {
    struct stat in;
    if (!strcmp(inputs[i], "-") || stat(inputs[i], &in) != 0) continue;
    if (exists && in.st_dev == st.st_dev && in.st_ino == st.st_ino) {
      fprintf(stderr, "norm %s: %s er også en av inndatafilene; norm skriver ikke over det den leser\n", cmd, out);
      return false;
    }
    if (S_ISDIR(in.st_mode) && under_folder(inputs[i], out) &&
        (str_has_suffix(out, ".json") || str_has_suffix(out, ".ndjson") || str_has_suffix(out, ".jsonl") ||
         str_has_suffix(out, ".norm") || str_has_suffix(out, ".normtest"))) {
      fprintf(stderr, "norm %s: %s ligger i mappen %s, som leses; velg en fil utenfor den\n", cmd, out, inputs[i]);
      return false;
    }
  }
  return true;
}

void cli_output_target(const char *out, char target[PATH_MAX])
{
  struct stat ln;
  if (lstat(out, &ln) == 0 && S_ISLNK(ln.st_mode) && realpath(out, target)) return;
  snprintf(target, PATH_MAX, "%s", out);
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

/*
** Shared pieces of the `norm` command (see cli.h).
*/
#define _GNU_SOURCE                          /* sched_getaffinity, CPU_COUNT */
#include <sched.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case.h"
#include "cli.h"
#include "sign.h"

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

bool cli_is_text(const char *format)
{
  return !strcmp(format, "text") || !strcmp(format, "tekst");
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

typedef struct { dev_t dev; ino_t ino; } dir_id;

/* Input is read in pieces of this size; memory holds one case, never the whole input. */
#define READ_CHUNK (256u << 10)

/* Streams a file descriptor line by line. A line longer than one case may be is cut at
** CASE_MAX_BYTES + 1 bytes (the case loader refuses it by its length) and the rest of it
** is skipped, so a stray giant line costs neither memory nor the cases after it. */
typedef struct {
  int fd;
  bool pollable;             /* not a regular file: a read may wait for the writer */
  buf b;
  size_t start, scan;        /* the current line begins at start; no newline before scan */
  bool eof, failed;
  uint64_t bytes;            /* read so far */
} line_reader;

typedef struct {
  cli_case_fn fn;
  cli_idle_fn idle;
  void *ctx;
  size_t cases;
  VEC(dir_id) dirs;          /* folders already walked: no loops, no repeats */
} walker;

/* Reads more input; before a read that would wait, the caller may finish what it holds. */
static void fill(walker *w, line_reader *r)
{
  if (r->start) {
    memmove(r->b.data, r->b.data + r->start, r->b.len - r->start);
    r->b.len -= r->start;
    r->scan -= r->start;
    r->start = 0;
  }
  if (r->pollable && w->idle) {
    struct pollfd pf = { r->fd, POLLIN, 0 };
    if (poll(&pf, 1, 0) == 0) w->idle(w->ctx);
  }
  if (r->b.cap < r->b.len + READ_CHUNK + 1) {
    r->b.cap = r->b.len + READ_CHUNK + 1;
    r->b.data = xrealloc(r->b.data, r->b.cap);
  }
  ssize_t n;
  do n = read(r->fd, r->b.data + r->b.len, READ_CHUNK);
  while (n < 0 && errno == EINTR);
  if (n <= 0) {
    r->eof = true;
    r->failed = n < 0;
  } else {
    r->b.len += (size_t)n;
    r->bytes += (uint64_t)n;
  }
  r->b.data[r->b.len] = 0;
}

/* The next line (without its newline); false at the end of the input. A line too long to
** be a case comes back cut, in memory the caller frees (*owned). */
static bool next_line(walker *w, line_reader *r, const char **line, size_t *len, bool *owned)
{
  *owned = false;
  for (;;) {
    char *nl = r->scan < r->b.len ? memchr(r->b.data + r->scan, '\n', r->b.len - r->scan) : NULL;
    if (nl) {
      *line = r->b.data + r->start;
      *len = (size_t)(nl - *line);
      r->start = r->scan = (size_t)(nl - r->b.data) + 1;
      return true;
    }
    r->scan = r->b.len;
    if (r->b.len - r->start > CASE_MAX_BYTES) {
      /* too long to be a case: keep its first bytes for the error, skip to its end */
      *len = CASE_MAX_BYTES + 1;
      *line = xstrndup(r->b.data + r->start, *len);
      *owned = true;
      bool found = false;
      while (!found && !r->eof) {
        r->b.len = r->start = r->scan = 0;
        fill(w, r);
        char *end = memchr(r->b.data, '\n', r->b.len);
        if (end) {
          found = true;
          r->start = r->scan = (size_t)(end - r->b.data) + 1;
        }
      }
      return true;
    }
    if (r->eof) {
      if (r->start == r->b.len) return false;
      *line = r->b.data + r->start;
      *len = r->b.len - r->start;
      r->start = r->scan = r->b.len;
      return true;
    }
    fill(w, r);
  }
}

static bool blank(const char *s, size_t n)
{
  size_t i = 0;
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) i++;
  return i == n;
}

/* Whether a JSON text's first line opens a value it does not close: then the input is one
** document written over several lines, not NDJSON. */
static bool opens_value(const char *text, size_t len)
{
  size_t i = 0;
  while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r')) i++;
  int depth = 0;
  bool in_str = false;
  for (; i < len; i++) {
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

/* "name:lineno" into label (cap bytes, cut as snprintf would), without snprintf: once per
** case, it was 2 % of a run with --format kompakt. */
static void line_label(char *label, size_t cap, const char *name, size_t name_len, size_t lineno)
{
  char digits[24], *e = digits + sizeof digits, *at = e;
  do *--at = (char)('0' + lineno % 10); while (lineno /= 10);
  size_t n = name_len < cap - 1 ? name_len : cap - 1;
  memcpy(label, name, n);
  if (n < cap - 1) label[n++] = ':';
  size_t k = (size_t)(e - at) < cap - 1 - n ? (size_t)(e - at) : cap - 1 - n;
  memcpy(label + n, at, k);
  label[n + k] = 0;
}

/* Feeds each non-blank line of the stream to fn as one case, labelled name:line. With
** whole_doc_ok (standard input), a first line that opens a JSON value it does not close
** makes the whole input one document instead. */
static bool each_line(walker *w, const char *name, int fd, bool whole_doc_ok)
{
  struct stat st;
  line_reader r = { fd, fstat(fd, &st) == 0 && !S_ISREG(st.st_mode), { 0 }, 0, 0, false, false, 0 };
  size_t lineno = 0;
  const char *line;
  size_t n;
  char label[PATH_MAX + 32];
  const size_t name_len = strlen(name);
  bool first = true, owned;
  while (next_line(w, &r, &line, &n, &owned)) {
    lineno++;
    if (owned) {                                   /* too long to be a case: the loader says so */
      line_label(label, sizeof label, name, name_len, lineno);
      w->fn(w->ctx, label, line, n);
      free((char *)line);
      w->cases++;
      first = false;
      continue;
    }
    if (blank(line, n)) continue;
    if (first && whole_doc_ok && opens_value(line, n)) {
      /* one document over several lines: the rest of the input belongs to it */
      r.start = (size_t)(line - r.b.data);
      while (!r.eof && r.b.len - r.start <= CASE_MAX_BYTES) fill(w, &r);
      size_t len = r.b.len - r.start;
      if (len > CASE_MAX_BYTES) len = CASE_MAX_BYTES + 1;
      w->fn(w->ctx, name, r.b.data + r.start, len);
      w->cases++;
      while (!r.eof) {                             /* what is past the limit is not kept */
        r.b.len = r.start = r.scan = 0;
        fill(w, &r);
      }
      break;
    }
    first = false;
    line_label(label, sizeof label, name, name_len, lineno);
    w->fn(w->ctx, label, line, n);
    w->cases++;
  }
  buf_free(&r.b);
  if (r.failed) fprintf(stderr, "norm: %s: kunne ikke leses (%s)\n", name, sys_error(errno));
  return !r.failed;
}

static bool is_case_file(const char *name)
{
  return str_has_suffix(name, ".json") || str_has_suffix(name, ".ndjson") || str_has_suffix(name, ".jsonl");
}

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
  if (!strcmp(path, "-") && named) return each_line(w, "(standard inn)", STDIN_FILENO, true);
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return walk_dir(w, path, &st);
  if (str_has_suffix(path, ".ndjson") || str_has_suffix(path, ".jsonl")) {
    /* streamed: a corpus of any size is judged in the memory of one case */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat fs;
    if (fd < 0 || fstat(fd, &fs) != 0 || !S_ISREG(fs.st_mode)) {
      fprintf(stderr, "norm: %s: %s\n", path, fd < 0 ? "finnes ikke eller kan ikke leses"
                      : "er ikke en vanlig fil (men en FIFO, en enhet eller en socket)");
      if (fd >= 0) close(fd);
      return false;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    bool ok = each_line(w, path, fd, false);
    close(fd);
    return ok;
  }
  size_t len;
  const char *err;
  char *text = read_file(path, CASE_MAX_BYTES + 1, &len, &err);
  if (!text) {
    fprintf(stderr, "norm: %s: %s\n", path, err);
    return false;
  }
  w->fn(w->ctx, path, text, len);
  w->cases++;
  free(text);
  return true;
}

bool cli_each_case(const char *path, cli_case_fn fn, void *ctx) { return cli_each_case_idle(path, fn, NULL, ctx); }

bool cli_each_case_idle(const char *path, cli_case_fn fn, cli_idle_fn idle, void *ctx)
{
  walker w = { fn, idle, ctx, 0, { 0 } };
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

bool cli_trusted(const char *cmd, const bc_program *p, const char *what, const char *trust)
{
  uint8_t key[SIGN_KEY_LEN];
  char *why = NULL;
  if (!sign_read_public(trust, key, &why)) {
    fprintf(stderr, "norm %s: --trust: %s\n", cmd, why);
    free(why);
    return false;
  }
  char id[SIGN_ID_LEN + 1];
  sign_key_id(key, id);
  if (!p->is_signed) {
    fprintf(stderr, "norm %s: regelsettet %s er ikke signert; med --trust godtas bare et regelsett signert "
            "med nøkkelen %s (norm compile --sign)\n", cmd, what, id);
    return false;
  }
  if (memcmp(p->signer, key, SIGN_KEY_LEN)) {
    fprintf(stderr, "norm %s: regelsettet %s er signert med nøkkelen %s, ikke med den betrodde nøkkelen %s i %s\n",
            cmd, what, p->signer_id, id, trust);
    return false;
  }
  return true;
}

size_t cli_cores(void)
{
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return (size_t)CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (size_t)n : 1;
}

/*
** `norm fmt [--check] [STI…]`: rewrites rule files in the canonical layout
** (grammar/format.c), or with --check only says which files are not in it. A file is
** replaced atomically (a temporary file beside it, then rename) and only when it changes.
*/
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "format.h"
#include "frontend.h"

const char *const usage_fmt =
  "Bruk: norm fmt [--check] [STI…]\n"
  "\n"
  "Skriver regelfilene om til den faste formen: én deklarasjon eller ett ledd per linje,\n"
  "faste innrykk, ett mellomrom mellom ordene og høyst én tom linje. Kommentarer og\n"
  "linjeskift inne i uttrykk beholdes; bare mellomrom og innrykk endres.\n"
  "STI er en regelfil (.norm) eller en mappe (alle .norm-filer i den); standard: de\n"
  "leverte reglene. - leser én fil fra standard inn og skriver den til standard ut.\n"
  "\n"
  "Valg:\n"
  "  --check   endre ingenting; vis hver fil som ikke har den faste formen, med den\n"
  "            første linjen som ville blitt endret\n"
  "\n"
  "Utgangsstatus: 0 alt er formatert; 1 (med --check) minst én fil er ikke formatert;\n"
  "2 en fil kan ikke leses, skrives eller har syntaksfeil (de andre filene behandles likevel).\n";

typedef struct {
  bool check, color;
  size_t files, changed, failed;
} fmt_run;

/* The first line where a and b differ, 1-based; its text in b is returned through *line. */
static size_t first_difference(const char *a, size_t alen, const char *b, size_t blen, const char **line, size_t *len)
{
  size_t i = 0, lineno = 1, start = 0;
  while (i < alen && i < blen && a[i] == b[i]) {
    if (a[i] == '\n') { lineno++; start = i + 1; }
    i++;
  }
  const char *nl = start < blen ? memchr(b + start, '\n', blen - start) : NULL;
  *line = b + start;
  *len = start < blen ? (nl ? (size_t)(nl - (b + start)) : blen - start) : 0;
  return lineno;
}

static bool write_atomically(const char *path, const char *text, size_t len)
{
  struct stat st;
  if (stat(path, &st) != 0) return false;
  char tmp[PATH_MAX];
  if ((size_t)snprintf(tmp, sizeof tmp, "%s.fmt-XXXXXX", path) >= sizeof tmp) return false;
  int fd = mkstemp(tmp);
  if (fd < 0) return false;
  bool ok = fchmod(fd, st.st_mode & 07777) == 0;
  for (size_t done = 0; ok && done < len;) {
    ssize_t n = write(fd, text + done, len - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += (size_t)n;
  }
  ok = ok && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  ok = ok && rename(tmp, path) == 0;
  if (!ok) unlink(tmp);
  return ok;
}

static void format_text(fmt_run *r, const char *name, const char *path, char *text, size_t len)
{
  srcset src;
  src_init(&src);
  uint32_t f = src_add(&src, name, path, text, len);
  buf out;
  buf_init(&out);
  r->files++;
  if (!fmt_file(&src, f, &out)) {
    diag_print_all(&src, stderr, r->color);
    r->failed++;
  } else if (!path) {
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
  } else if (out.len != len || memcmp(out.data, text, len)) {
    r->changed++;
    if (r->check) {
      const char *line;
      size_t n;
      size_t lineno = first_difference(text, len, out.data, out.len, &line, &n);
      printf("%s:%zu: ikke formatert; skal være: «%.*s»\n", name, lineno, (int)n, line);
    } else if (write_atomically(path, out.data, out.len)) {
      printf("%s: formatert\n", name);
    } else {
      fprintf(stderr, "norm fmt: %s: kan ikke skrive filen (%s); den er ikke endret\n", name, sys_error(errno));
      r->failed++;
    }
  }
  buf_free(&out);
  src_free(&src);
}

static void format_path(fmt_run *r, const char *path)
{
  size_t len;
  const char *err;
  if (!strcmp(path, "-")) {
    buf in;
    buf_init(&in);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0 && in.len <= FE_MAX_SOURCE) buf_put(&in, chunk, n);
    if (in.len > FE_MAX_SOURCE) {
      fprintf(stderr, "norm fmt: standard inn er større enn %u byte\n", FE_MAX_SOURCE);
      r->failed++;
      buf_free(&in);
      return;
    }
    len = in.len;
    char *text = in.data ? buf_take(&in) : xstrdup("");
    format_text(r, "<standard inn>", NULL, text, len);
    return;
  }
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    cli_names names;
    if (!cli_list_dir(path, ".norm", &names)) {
      fprintf(stderr, "norm fmt: %s: mappen kan ikke leses\n", path);
      r->failed++;
      return;
    }
    if (!names.len) fprintf(stderr, "norm fmt: %s: mappen har ingen .norm-filer\n", path);
    for (size_t i = 0; i < names.len; i++) {
      char full[PATH_MAX];
      snprintf(full, sizeof full, "%s%s%s", path, str_has_suffix(path, "/") ? "" : "/", names.items[i]);
      format_path(r, full);
    }
    cli_names_free(&names);
    return;
  }
  char *text = read_file(path, FE_MAX_SOURCE, &len, &err);
  if (!text) {
    fprintf(stderr, "norm fmt: %s: %s\n", path, err);
    r->failed++;
    return;
  }
  format_text(r, path, path, text, len);
}

int cmd_fmt(int argc, char **argv)
{
  fmt_run r = { false, cli_use_color("auto", stderr), 0, 0, 0 };
  int first = 1;
  for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
    if (!strcmp(argv[first], "--")) { first++; break; }
    if (!strcmp(argv[first], "-h") || !strcmp(argv[first], "--help")) {
      fputs(usage_fmt, stdout);
      return EXIT_CLEAN;
    }
    if (!strcmp(argv[first], "--check")) r.check = true;
    else return cli_usage_error("fmt", "ukjent valg «%s»", argv[first]);
  }
  char def[PATH_MAX];
  if (first == argc) format_path(&r, cli_default_rules(def, sizeof def));
  for (int i = first; i < argc; i++) format_path(&r, argv[i]);
  if (r.check && r.changed)
    fprintf(stderr, "%zu av %zu filer er ikke formatert; kjør «norm fmt» på dem\n", r.changed, r.files);
  else if (r.check && !r.failed)
    fprintf(stderr, "%zu %s den faste formen\n", r.files, r.files == 1 ? "fil har" : "filer har");
  if (r.failed) return EXIT_USAGE;
  return r.check && r.changed ? EXIT_FINDINGS : EXIT_CLEAN;
}

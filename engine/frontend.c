/*
** Loading rule sources and turning them into a verified program.
*/
#include "frontend.h"

#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bcfile.h"
#include "compile.h"
#include "grammar/lexer.h"

static bool is_dir(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

typedef struct {
  srcset *src;
  ast_unit *u;
  VEC(char *) seen;          /* real paths already parsed */
  char base[PATH_MAX];       /* real path of the rule folder (of the first path given) */
} loader;

/* A rule set's identity is the digest of its compiled payload, so nothing in it may
** depend on how the rule folder was spelled: files are named in the program by their
** path relative to the rule folder (`oms.norm`, `../felles/x.norm`). */
static char *relative_key(const char *base, const char *real)
{
  /* Skip the folders both paths share, then climb out of the rest of base. */
  size_t i = 0, shared = 0;
  while (base[i] && base[i] == real[i]) {
    i++;
    if (base[i - 1] == '/') shared = i;
  }
  if (!base[i] && (real[i] == '/' || !real[i])) shared = real[i] ? i + 1 : i;
  buf b;
  buf_init(&b);
  oom_cleanup hold;
  oom_hold_buf(&hold, &b);
  for (size_t k = shared; k < strlen(base); k++)
    if (k == shared || base[k - 1] == '/') buf_puts(&b, "../");
  buf_puts(&b, real + shared);
  oom_pop(&hold);
  return buf_take(&b);
}

static bool load_file(loader *l, const char *path, const char *shown, srcloc *from);

/* Takes text and key (the srcset owns them from here, also if memory runs out). */
static bool load_text(loader *l, const char *name, const char *path, char *text, size_t len, char *key)
{
  oom_cleanup hold;
  oom_hold_mem(&hold, key);
  uint32_t f = src_add(l->src, name, path, text, len);
  oom_pop(&hold);
  l->src->files.items[f].key = key;
  if (!utf8_valid(text, len)) {
    diag_plain(l->src, DIAG_ERROR, "%s: filen er ikke gyldig UTF-8", name);
    return false;
  }
  size_t first_import = l->u->imports.len;
  bool ok = lex_parse_file(l->u, f);
  /* Imports named in this file, resolved relative to it. */
  for (size_t i = first_import; i < l->u->imports.len; i++) {
    ast_string imp = l->u->imports.items[i];
    char target[PATH_MAX];
    if (imp.s[0] == '/' || !path) {
      snprintf(target, sizeof target, "%s", imp.s);
    } else {
      char dir[PATH_MAX];
      snprintf(dir, sizeof dir, "%s", path);
      snprintf(target, sizeof target, "%s/%s", dirname(dir), imp.s);
    }
    if (!str_has_suffix(target, ".norm") && strlen(target) + 5 < sizeof target) strcat(target, ".norm");
    /* An embedded stdlib module may be imported by its name. */
    bool embedded = false;
    for (size_t k = 0; k < std_nfiles; k++)
      if (!strcmp(std_files[k].name, imp.s) || (str_has_suffix(std_files[k].name, ".norm") &&
           !strncmp(std_files[k].name, imp.s, strlen(std_files[k].name) - 5) && strlen(imp.s) == strlen(std_files[k].name) - 5))
        embedded = true;              /* always loaded already */
    if (!embedded) ok = load_file(l, target, target, &imp.loc) && ok;
  }
  l->u->imports.len = first_import;
  return ok;
}

static bool load_file(loader *l, const char *path, const char *shown, srcloc *from)
{
  char real[PATH_MAX];
  if (!realpath(path, real)) {
    if (from) diag_at(l->src, DIAG_ERROR, *from, "finner ikke filen «%s»", path);
    else diag_plain(l->src, DIAG_ERROR, "%s: finnes ikke", path);
    return false;
  }
  for (size_t i = 0; i < l->seen.len; i++)
    if (!strcmp(l->seen.items[i], real)) return true;
  char *copy = xstrdup(real);
  oom_cleanup hold;
  oom_hold_mem(&hold, copy);
  vec_push(&l->seen, copy);
  oom_pop(&hold);
  size_t len;
  const char *err;
  char *text = read_file(path, FE_MAX_SOURCE, &len, &err);
  if (!text) {
    if (from) diag_at(l->src, DIAG_ERROR, *from, "regelfilen «%s» %s", path, err);
    else diag_plain(l->src, DIAG_ERROR, "%s: %s", shown, err);
    return false;
  }
  size_t bom = utf8_bom(text, len);           /* Windows editors write one; it is not text */
  if (bom) {
    memmove(text, text + bom, len - bom + 1);
    len -= bom;
  }
  oom_cleanup hold_text;
  oom_hold_mem(&hold_text, text);
  char *key = relative_key(l->base, real);
  oom_pop(&hold_text);
  return load_text(l, shown, path, text, len, key);
}

/* A folder's .norm files, and the folder while it is read: let go together. */
typedef struct {
  DIR *d;
  VEC(char *) names;
} listing;

static void free_listing(void *arg)
{
  listing *ls = arg;
  if (ls->d) closedir(ls->d);
  for (size_t i = 0; i < ls->names.len; i++) free(ls->names.items[i]);
  vec_free(&ls->names);
}

static bool load_path(loader *l, const char *path)
{
  if (!is_dir(path)) return load_file(l, path, path, NULL);
  listing ls = { NULL, { 0 } };
  if (!(ls.d = opendir(path))) {
    diag_plain(l->src, DIAG_ERROR, "%s: mappen kan ikke leses", path);
    return false;
  }
  oom_cleanup hold;
  oom_push(&hold, free_listing, &ls);
  struct dirent *e;
  while ((e = readdir(ls.d)))
    if (e->d_name[0] != '.' && str_has_suffix(e->d_name, ".norm")) {
      vec_push(&ls.names, NULL);              /* its place first: a name made is in the list */
      ls.names.items[ls.names.len - 1] = xstrdup(e->d_name);
    }
  closedir(ls.d);
  ls.d = NULL;
  if (ls.names.len) qsort(ls.names.items, ls.names.len, sizeof *ls.names.items, str_cmp_ptr);
  bool ok = true;
  if (!ls.names.len) {
    diag_plain(l->src, DIAG_ERROR, "%s: mappen har ingen regelfiler (.norm)", path);
    ok = false;
  }
  for (size_t i = 0; i < ls.names.len; i++) {
    char full[PATH_MAX];
    size_t n = strlen(path);
    snprintf(full, sizeof full, "%s%s%s", path, n && path[n - 1] == '/' ? "" : "/", ls.names.items[i]);
    ok = load_file(l, full, full, NULL) && ok;
  }
  oom_pop(&hold);
  free_listing(&ls);
  return ok;
}

/* The real path of the folder a rule path names: itself, or the folder of a file. */
static void rule_folder(const char *path, char out[PATH_MAX])
{
  char real[PATH_MAX];
  if (!realpath(path, real)) snprintf(real, sizeof real, "%s", path);
  if (is_dir(real)) {
    memcpy(out, real, PATH_MAX);
    return;
  }
  char *slash = strrchr(real, '/');
  if (slash == real) snprintf(out, PATH_MAX, "/");
  else if (slash) snprintf(out, PATH_MAX, "%.*s", (int)(slash - real), real);
  else snprintf(out, PATH_MAX, ".");
}

/* The rule set's name when no `regelsett` declaration gives one: the folder's (or the
** file's) own name, however the path to it was spelled. */
static const char *default_name(const char *path, char name[PATH_MAX])
{
  if (!realpath(path, name)) snprintf(name, PATH_MAX, "%s", path);
  size_t n = strlen(name);
  while (n > 1 && name[n - 1] == '/') name[--n] = 0;
  char *base = strrchr(name, '/');
  return base && base[1] ? base + 1 : name;
}

bool fe_compile(srcset *src, const char *const *paths, size_t npaths, buf *bytes)
{
  return fe_analyze(src, paths, npaths, bytes, NULL, NULL);
}

/* What a compilation holds: let go together, also when memory runs out midway. */
typedef struct {
  ast_unit u;
  loader l;
  bc_program p;
} analysis;

static void free_analysis(void *arg)
{
  analysis *a = arg;
  bc_free(&a->p);
  for (size_t i = 0; i < a->l.seen.len; i++) free(a->l.seen.items[i]);
  vec_free(&a->l.seen);
  ast_unit_free(&a->u);
}

bool fe_analyze(srcset *src, const char *const *paths, size_t npaths, buf *bytes, fe_visit fn, void *ctx)
{
  analysis a;
  memset(&a, 0, sizeof a);
  ast_unit_init(&a.u, src);
  a.l.src = src;
  a.l.u = &a.u;
  oom_cleanup hold;
  oom_push(&hold, free_analysis, &a);
  bc_init(&a.p);
  loader *l = &a.l;
  bool ok = true;
  for (size_t i = 0; i < std_nfiles; i++)
    ok = load_text(l, std_files[i].name, NULL, xstrndup(std_files[i].text, std_files[i].len), std_files[i].len, NULL) && ok;
  if (npaths) rule_folder(paths[0], l->base);
  for (size_t i = 0; i < npaths; i++) ok = load_path(l, paths[i]) && ok;
  char name[PATH_MAX];
  if (ok && src->errors == 0) ok = ast_check_depth(&a.u);
  if (ok && src->errors == 0) ok = cg_program(&a.u, &a.p, npaths ? default_name(paths[0], name) : "regelsett");
  else ok = false;
  /* A rule set that judges nothing would report every case as clean. */
  if (ok && !a.p.rules.len) {
    diag_plain(src, DIAG_ERROR, "%s: regelsettet har ingen regler («regel …»); det ville ikke vurdert noe",
               npaths ? paths[0] : "regelsettet");
    ok = false;
  }
  if (ok && bytes) bcf_write(&a.p, bytes);
  if (ok && fn) fn(ctx, &a.u, &a.p);
  oom_pop(&hold);
  free_analysis(&a);
  return ok;
}

bool fe_load_ruleset(const char *path, bc_program *p, FILE *err, bool color)
{
  return fe_load_ruleset_image(path, p, NULL, err, color);
}

static void free_src(void *s) { src_free(s); }

bool fe_load_ruleset_image(const char *path, bc_program *p, buf *image, FILE *err, bool color)
{
  buf bytes;
  buf_init(&bytes);
  oom_cleanup hold;
  oom_hold_buf(&hold, &bytes);
  bool ok;
  if (str_has_suffix(path, ".normc") && !is_dir(path)) {
    size_t len;
    const char *e;
    char *data = read_file(path, BCF_MAX_FILE, &len, &e);
    if (!data) {
      if (err) fprintf(err, "norm: %s: %s\n", path, e);
      oom_pop(&hold);
      return false;
    }
    bytes.data = data;
    bytes.len = bytes.cap = len;
  } else {
    srcset src;
    src_init(&src);
    oom_cleanup hold_src;
    oom_push(&hold_src, free_src, &src);
    const char *paths[1] = { path };
    ok = fe_compile(&src, paths, 1, &bytes);
    if (err) diag_print_all(&src, err, color);
    oom_pop(&hold_src);
    src_free(&src);
    if (!ok) {
      oom_pop(&hold);
      buf_free(&bytes);
      return false;
    }
  }
  char *why = NULL;
  ok = bcf_load((const uint8_t *)bytes.data, bytes.len, p, &why);
  if (!ok) {
    if (err) fprintf(err, "norm: %s: regelsettet avvises: %s\n", path, why);
    free(why);
  }
  if (ok && image && !image->len) {          /* handed over, not copied */
    buf_free(image);
    *image = bytes;
    buf_init(&bytes);
  } else if (ok && image) {
    buf_put(image, bytes.data, bytes.len);
  }
  oom_pop(&hold);
  buf_free(&bytes);
  return ok;
}

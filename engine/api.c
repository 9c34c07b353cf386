/*
** The library interface (include/norm.h) over the engine: the frontend and loader for rule
** sets, the case reader, the evaluator and the reports. Nothing here prints or exits.
*/
#include "norm.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "bcfile.h"
#include "case.h"
#include "date.h"
#include "eval.h"
#include "frontend.h"
#include "jsonw.h"
#include "tools/report.h"
#include "tools/graph.h"
#include "tools/report_html.h"
#include "sign.h"
#include "version.h"
#include "vm.h"

struct norm_rules {
  bc_program p;
  buf json;                  /* norm_rules_json, made once at load (read by any thread) */
  buf image;                 /* the .normc bytes, for the audit log */
};

struct norm_judge {
  const norm_rules *r;
  vm *m;
  case_reader *rd;
  json_reporter *reporter;
  buf errors, out, json;
  char sak_id[256];
  ncase c;                   /* the case being judged and its result; with options.keep, kept */
  result res;                /* until the next call (for norm_html_add and norm_judge_draw) */
  bool kept;
  bool full;                 /* the kept case was judged with traces (not for the compact form) */
  eval_spare spare;          /* the result's memory, kept from case to case */
  const char *problems;      /* norm_judge_problems: errors.data or why, or "" */
  char why[1024];
  norm_finding *found;       /* norm_judge_findings, made again for each call */
  size_t found_cap;
};

/* A decision's audit record, and what the log keeps beside it when it stores cases. */
struct norm_record {
  audit_record rec;
  const norm_rules *rules;
  buf case_text, json;       /* the case as read and its norm-resultat/1 (store_case only) */
};

struct norm_html {
  norm_drawer *d;
  report_html *h;
  bool broken;               /* memory ran out while a case was added: the document is not whole */
};

/* Graphviz's state is the process's; one context, used by one report at a time. */
struct norm_drawer {
  pthread_mutex_t lock;
  GVC_t *gvc;
};

/* One decision waiting for its record to be committed. */
typedef struct pending {
  norm_record r;
  bool done, ok;
  bool no_memory;            /* not ok because memory ran out while committing: try again */
  pthread_cond_t wake;       /* its judge waits here: for its record, or to write next */
  struct pending *next;
} pending;

/* Group commit: a judge alone commits its own record. Records that arrive while a commit is
** under way queue, and a writer thread (started the first time one must queue) commits
** everything queued in one transaction, then the next batch, which gathered while the disk
** was syncing, at once: under load the writer never waits to be woken. Each judge waits on
** its own condition, so a commit wakes the judges it answered and no others. */
struct norm_audit {
  pthread_mutex_t lock;
  audit_db *db;
  char *path, *operator_name;
  pending *head, *tail;      /* queued, not yet taken by the writer */
  pthread_cond_t work;       /* the writer waits here for records, or to stop */
  pthread_t writer;
  bool has_writer, stopping;
  bool writing;              /* a batch is being committed, by a judge or the writer thread */
  bool broken;               /* a commit failed: nothing more is recorded or answered */
  char why[512];
  /* Rule sets this log is known to hold (digest and .normc length; a signed one is longer
  ** than the same unsigned), so a commit does not write them again: read and written by
  ** the one writer only. */
  struct in_log { char sha[65]; size_t len; } in_log[8];
  size_t next_in_log;
  const norm_rules *stored[8];   /* written in the open transaction */
  size_t nstored;
  bool in_tx;                /* norm_audit_add: a transaction is open */
  bool store_case;           /* records keep the case and its result */
};

/* The engine's status for each of norm.h's (norm_result.counts, norm_finding_status): the
** library lists what calls for action by strength, the engine in the order it reports. */
static const fstatus engine_status[7] = { F_BRUDD, F_AVVIK, F_BEGRUNNET, F_VURDER, F_UKJENT, F_OPPFYLT, F_IKKE_AKTUELL };

static norm_status set_err(norm_error *err, norm_status code, const char *msg, const char *where)
{
  if (!err) return code;
  err->code = code;
  snprintf(err->message, sizeof err->message, "%s", msg ? msg : "");
  size_t n = strlen(err->message);
  while (n && err->message[n - 1] == '\n') err->message[--n] = 0;
  snprintf(err->where, sizeof err->where, "%s", where ? where : "");
  return code;
}

/* The date asked for is not one: quoted back when it is short printable ASCII (as a
** date is), so that the caller sees what was wrong, never bytes it cannot show. */
static norm_status bad_date(norm_error *err, const char *date)
{
  size_t n = strlen(date);
  bool plain = n > 0 && n <= 32;
  for (size_t i = 0; plain && i < n; i++) plain = date[i] > ' ' && date[i] < 0x7f;
  char msg[96];
  if (plain) snprintf(msg, sizeof msg, "«%s» er ikke en gyldig dato (ÅÅÅÅ-MM-DD)", date);
  else snprintf(msg, sizeof msg, "datoen er ikke en gyldig dato (ÅÅÅÅ-MM-DD)");
  return set_err(err, NORM_ERR_USAGE, msg, "dato");
}

/* b back to its first len bytes */
static void cut(buf *b, size_t len)
{
  b->len = len;
  if (b->data) b->data[len] = 0;
}

static const char *const strength_key[] = { "krav", "bor", "kan" };

static void validity(jsonw *w, int32_t from, int32_t to)
{
  char d[11];
  if (from != INT32_MIN) { date_format(from, d); jw_kstr(w, "gjelder_fra", d); }
  if (to != INT32_MAX) { date_format(to, d); jw_kstr(w, "gjelder_til", d); }
}

static void describe(norm_rules *r)
{
  const bc_program *p = &r->p;
  jsonw w;
  jw_init(&w, &r->json);
  jw_obj(&w);
  jw_kstr(&w, "navn", bc_str(p, p->name));
  jw_kstr(&w, "sha256", p->sha256_hex);
  if (p->is_signed) jw_kstr(&w, "signert_av", p->signer_id);
  jw_key(&w, "retningslinjer");
  jw_arr(&w);
  for (size_t i = 0; i < p->guides.len; i++) {
    const bc_guide *g = &p->guides.items[i];
    jw_obj(&w);
    jw_kstr(&w, "id", bc_str(p, g->id));
    jw_kstr(&w, "tittel", bc_str(p, g->title));
    if (g->version != BC_NONE) jw_kstr(&w, "versjon", bc_str(p, g->version));
    validity(&w, g->from, g->to);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  jw_key(&w, "regler");
  jw_arr(&w);
  for (size_t i = 0; i < p->rules.len; i++) {
    const bc_rule *rule = &p->rules.items[i];
    jw_obj(&w);
    jw_kstr(&w, "id", bc_str(p, rule->id));
    jw_kstr(&w, "retningslinje", bc_str(p, p->guides.items[rule->guide].id));
    jw_kstr(&w, "styrke", strength_key[rule->strength]);
    jw_kstr(&w, "tittel", bc_str(p, rule->title));
    validity(&w, rule->from, rule->to);
    jw_obj_end(&w);
  }
  jw_arr_end(&w);
  jw_obj_end(&w);
}

static void finish(norm_rules *r)
{
  describe(r);
}

static void free_rules(void *r) { norm_rules_free(r); }

static const char no_memory_for_rules[] = "ikke nok minne til å lese regelsettet";

/* text without its ANSI colour codes */
static char *plain(const char *text)
{
  char *t = xstrdup(text), *w = t;
  for (const char *c = text; *c; c++) {
    if (*c == '\033' && c[1] == '[') {
      c += 2;
      while (*c && *c != 'm') c++;
      if (!*c) break;
      continue;
    }
    *w++ = *c;
  }
  *w = 0;
  return t;
}

static norm_status load(const char *path, bool color, norm_rules **out, buf *messages, norm_error *err)
{
  *out = NULL;
  const size_t start = messages ? messages->len : 0;
  oom_trap trap;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) {
    if (messages) cut(messages, start);
    return set_err(err, NORM_ERR_MEMORY, no_memory_for_rules, path);
  }
  norm_rules *r = xcalloc(1, sizeof *r);
  oom_cleanup hold_r, hold_text;
  oom_push(&hold_r, free_rules, r);
  mstream msgs;                               /* the compiler's messages */
  bool ok = fe_load_ruleset_image(path, &r->p, &r->image, mstream_open(&msgs), color);
  char *text = mstream_close(&msgs, NULL);
  oom_hold_mem(&hold_text, text);
  if (ok) finish(r);
  if (messages) buf_puts(messages, text);
  if (color && !ok) {
    char *t = plain(text);
    free(text);
    text = t;
  }
  oom_pop(&hold_text);
  oom_pop(&hold_r);
  oom_trap_clear(&trap);
  if (!ok) {
    /* the first diagnostic names where: "file:line:col: feil: …" or "norm: file: …" */
    char where[256] = "";
    const char *colon = strstr(text, ": feil:");
    if (colon && (size_t)(colon - text) < sizeof where && !memchr(text, '\n', (size_t)(colon - text)))
      snprintf(where, sizeof where, "%.*s", (int)(colon - text), text);
    set_err(err, NORM_ERR_RULES, *text ? text : "regelsettet kan ikke leses", where);
    free(text);
    norm_rules_free(r);
    return NORM_ERR_RULES;
  }
  free(text);
  *out = r;
  return NORM_OK;
}

norm_status norm_rules_load(const char *path, norm_rules **out, norm_error *err)
{
  return load(path, false, out, NULL, err);
}

norm_status norm_rules_load_messages(const char *path, bool color, norm_rules **out, norm_buffer *messages,
                                     norm_error *err)
{
  return load(path, color, out, messages, err);
}

norm_status norm_rules_load_normc(const void *bytes, size_t len, norm_rules **out, norm_error *err)
{
  *out = NULL;
  oom_trap trap;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) return set_err(err, NORM_ERR_MEMORY, no_memory_for_rules, "");
  norm_rules *r = xcalloc(1, sizeof *r);
  oom_cleanup hold;
  oom_push(&hold, free_rules, r);
  char *why = NULL;
  bool ok = len <= BCF_MAX_FILE && bcf_load(bytes, len, &r->p, &why);
  if (ok) {
    buf_put(&r->image, bytes, len);
    finish(r);
  }
  oom_pop(&hold);
  oom_trap_clear(&trap);
  if (!ok) {
    set_err(err, NORM_ERR_RULES, why ? why : "regelsettet er større enn grensen for en .normc-fil", "");
    free(why);
    norm_rules_free(r);
    return NORM_ERR_RULES;
  }
  *out = r;
  return NORM_OK;
}

void norm_rules_free(norm_rules *r)
{
  if (!r) return;
  bc_free(&r->p);
  buf_free(&r->json);
  buf_free(&r->image);
  free(r);
}

const char *norm_rules_digest(const norm_rules *r) { return r->p.sha256_hex; }
const char *norm_rules_name(const norm_rules *r) { return bc_str(&r->p, r->p.name); }
const char *norm_rules_signer(const norm_rules *r) { return r->p.signer_id; }

norm_status norm_rules_check_trust(const norm_rules *r, const char *public_key_path, norm_error *err)
{
  uint8_t key[SIGN_KEY_LEN];
  char *why = NULL;
  if (!sign_read_public(public_key_path, key, &why)) {
    set_err(err, NORM_ERR_RULES, why, public_key_path);
    free(why);
    return NORM_ERR_RULES;
  }
  char id[SIGN_ID_LEN + 1], msg[256];
  sign_key_id(key, id);
  if (!r->p.is_signed) {
    snprintf(msg, sizeof msg, "regelsettet er ikke signert; bare et regelsett signert med den betrodde nøkkelen %s "
             "godtas (norm compile --sign)", id);
    return set_err(err, NORM_ERR_RULES, msg, "");
  }
  if (memcmp(r->p.signer, key, SIGN_KEY_LEN)) {
    snprintf(msg, sizeof msg, "regelsettet er signert med nøkkelen %s, ikke med den betrodde nøkkelen %s", r->p.signer_id, id);
    return set_err(err, NORM_ERR_RULES, msg, "");
  }
  return NORM_OK;
}

const char *norm_rules_json(const norm_rules *r, size_t *len)
{
  if (len) *len = r->json.len;
  return r->json.data;
}

static void free_judge(void *j) { norm_judge_free(j); }

norm_judge *norm_judge_new(const norm_rules *r)
{
  norm_judge *j = NULL;
  oom_trap trap;
  oom_cleanup hold;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) return NULL;
  j = xcalloc(1, sizeof *j);
  oom_push(&hold, free_judge, j);
  j->r = r;
  j->m = vm_new(&r->p);
  if (!(j->rd = case_reader_new(&r->p))) oom_raise();
  j->reporter = json_reporter_new(&r->p);
  oom_pop(&hold);
  oom_trap_clear(&trap);
  return j;
}

void norm_judge_free(norm_judge *j)
{
  if (!j) return;
  result_free(&j->res);                       /* a case kept (options.keep) */
  case_free(&j->c);
  eval_spare_free(&j->spare);
  if (j->m) vm_free(j->m);
  if (j->rd) case_reader_free(j->rd);
  json_reporter_free(j->reporter);
  buf_free(&j->errors);
  buf_free(&j->out);
  buf_free(&j->json);
  free(j->found);
  free(j);
}

norm_status norm_drawer_create(norm_drawer **out, norm_error *err)
{
  *out = NULL;
  const char *why;
  if (!gvlib_load(&why)) return set_err(err, NORM_ERR_OUTPUT, why, "");
  norm_drawer *d = calloc(1, sizeof *d);
  if (d && !(d->gvc = gvContext())) {
    free(d);
    d = NULL;
  }
  if (!d) return set_err(err, NORM_ERR_MEMORY, "ikke nok minne til å starte Graphviz", "");
  pthread_mutex_init(&d->lock, NULL);
  *out = d;
  return NORM_OK;
}

norm_drawer *norm_drawer_new(void)
{
  norm_drawer *d;
  norm_drawer_create(&d, NULL);
  return d;
}

void norm_drawer_free(norm_drawer *d)
{
  if (!d) return;
  gvFreeContext(d->gvc);
  pthread_mutex_destroy(&d->lock);
  free(d);
}

/* ---- the audit log ---- */

norm_status norm_audit_open(const char *path, const char *operator_name, norm_audit **out, norm_error *err)
{
  *out = NULL;
  if (!operator_name || !*operator_name)
    return set_err(err, NORM_ERR_USAGE, "revisjonsloggen trenger navnet på den som vurderer (operator)", path);
  char *why = NULL;
  audit_db *db = audit_open(path, true, &why);
  if (!db) {
    set_err(err, NORM_ERR_AUDIT, why, path);
    free(why);
    return NORM_ERR_AUDIT;
  }
  norm_audit *a = xcalloc(1, sizeof *a);
  pthread_mutex_init(&a->lock, NULL);
  pthread_cond_init(&a->work, NULL);
  a->db = db;
  a->path = xstrdup(path);
  a->operator_name = xstrdup(operator_name);
  *out = a;
  return NORM_OK;
}

void norm_audit_close(norm_audit *a)
{
  if (!a) return;
  if (a->has_writer) {                        /* (nothing is queued: every judge has returned) */
    pthread_mutex_lock(&a->lock);
    a->stopping = true;
    pthread_cond_signal(&a->work);
    pthread_mutex_unlock(&a->lock);
    pthread_join(a->writer, NULL);
  }
  if (a->in_tx) audit_rollback(a->db);      /* (added, never committed: not recorded) */
  audit_close(a->db);
  pthread_cond_destroy(&a->work);
  pthread_mutex_destroy(&a->lock);
  free(a->path);
  free(a->operator_name);
  free(a);
}

typedef enum { COMMIT_OK, COMMIT_FAILED, COMMIT_NO_MEMORY } commit_status;

static bool write_batch(norm_audit *a, pending *batch);
static void rollback(norm_audit *a);
static void free_record(void *rec);

/* Writes a batch in one transaction (called by the writer, without the lock). Memory that
** runs out midway rolls the transaction back: the batch is not recorded, and the log is
** as it was (the next transaction reads its head again). */
static commit_status commit_batch(norm_audit *a, pending *batch)
{
  oom_trap trap;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) {
    rollback(a);
    return COMMIT_NO_MEMORY;
  }
  commit_status s = write_batch(a, batch) ? COMMIT_OK : COMMIT_FAILED;
  oom_trap_clear(&trap);
  return s;
}

static bool in_log(const norm_audit *a, const norm_rules *r)
{
  for (size_t i = 0; i < sizeof a->in_log / sizeof *a->in_log; i++)
    if (a->in_log[i].len == r->image.len && !strcmp(a->in_log[i].sha, r->p.sha256_hex)) return true;
  return false;
}

/* Appends q in the open transaction, after its rule set unless the log holds that already. */
static bool append(norm_audit *a, norm_record *q)
{
  bool known = in_log(a, q->rules);
  for (size_t i = 0; i < a->nstored && !known; i++) known = a->stored[i] == q->rules;
  if (!known) {
    const bc_program *p = &q->rules->p;
    if (!audit_put_ruleset(a->db, p->sha256_hex, bc_str(p, p->name), q->rules->image.data, q->rules->image.len))
      return false;
    if (a->nstored < sizeof a->stored / sizeof *a->stored) a->stored[a->nstored++] = q->rules;
  }
  return audit_append(a->db, &q->rec, q->case_text.data, q->case_text.len, q->json.data, q->json.len);
}

static void rollback(norm_audit *a)
{
  audit_rollback(a->db);
  a->nstored = 0;
}

static bool commit(norm_audit *a)
{
  if (!audit_commit(a->db)) {
    rollback(a);
    return false;
  }
  /* only what is committed is known to be there (rows of rule sets are never removed) */
  for (size_t i = 0; i < a->nstored; i++) {
    struct in_log *k = &a->in_log[a->next_in_log++ % (sizeof a->in_log / sizeof *a->in_log)];
    snprintf(k->sha, sizeof k->sha, "%s", a->stored[i]->p.sha256_hex);
    k->len = a->stored[i]->image.len;
  }
  a->nstored = 0;
  return true;
}

static bool write_batch(norm_audit *a, pending *batch)
{
  if (!audit_begin(a->db)) return false;
  for (pending *q = batch; q; q = q->next)
    if (!append(a, &q->r)) {
      rollback(a);
      return false;
    }
  return commit(a);
}

/* Commits everything queued (called and returning with the lock held, which it lets go of
** while writing) and answers the judges of that batch. */
static void write_queued(norm_audit *a)
{
  pending *batch = a->head;
  bool was_broken = a->broken;
  a->head = a->tail = NULL;
  a->writing = true;
  pthread_mutex_unlock(&a->lock);
  commit_status cs = was_broken ? COMMIT_FAILED : commit_batch(a, batch);
  pthread_mutex_lock(&a->lock);
  if (cs == COMMIT_FAILED && !a->broken) {
    a->broken = true;
    snprintf(a->why, sizeof a->why, "%s", audit_errmsg(a->db));
  }
  /* (a judge woken here returns only once the lock is let go, so q->next is still there) */
  for (pending *q = batch; q; q = q->next) {
    q->done = true;
    q->ok = cs == COMMIT_OK;
    q->no_memory = cs == COMMIT_NO_MEMORY;
    pthread_cond_signal(&q->wake);
  }
  a->writing = false;
}

/* The writer thread: commits what queued while someone was writing, batch after batch,
** until the log is closed. */
static void *writer_main(void *p)
{
  norm_audit *a = p;
  pthread_mutex_lock(&a->lock);
  for (;;) {
    while ((!a->head || a->writing) && !a->stopping) pthread_cond_wait(&a->work, &a->lock);
    if (a->head && !a->writing) write_queued(a);
    else if (a->stopping) break;
  }
  pthread_mutex_unlock(&a->lock);
  return NULL;
}

/* Queues the record and returns when it is committed (or the log has failed). A judge that
** finds no one writing and no one queued commits its own record at once; one that must
** queue is committed by the writer thread, with the others that queued meanwhile. */
static bool record(norm_audit *a, pending *me)
{
  pthread_mutex_lock(&a->lock);
  if (a->broken) {                   /* nothing more is recorded, so nothing is answered */
    pthread_mutex_unlock(&a->lock);
    return false;
  }
  pthread_cond_init(&me->wake, NULL);
  bool alone = !a->writing && !a->head;
  if (!alone && !a->has_writer) {
    if (pthread_create(&a->writer, NULL, writer_main, a)) {
      pthread_mutex_unlock(&a->lock);
      pthread_cond_destroy(&me->wake);
      me->no_memory = true;          /* not the log's fault: this decision is refused, the next tries again */
      return false;
    }
    a->has_writer = true;
  }
  if (a->tail) a->tail->next = me;
  else a->head = me;
  a->tail = me;
  if (alone) {
    write_queued(a);
    if (a->head) pthread_cond_signal(&a->work);   /* those that queued meanwhile: the writer's */
  } else {
    pthread_cond_signal(&a->work);
    while (!me->done) pthread_cond_wait(&me->wake, &a->lock);
  }
  bool ok = me->ok;
  pthread_mutex_unlock(&a->lock);
  pthread_cond_destroy(&me->wake);
  return ok;
}


void norm_audit_store_cases(norm_audit *a, bool on) { a->store_case = on; }

/* The log fails for good: the open transaction is rolled back, and nothing more is added. */
static norm_status broken(norm_audit *a, norm_status code, const char *what, norm_error *err)
{
  if (!a->broken) {
    const char *db_why = audit_errmsg(a->db);
    if (!*db_why || !strncmp(db_why, what, strlen(what)))     /* (said once, not twice) */
      snprintf(a->why, sizeof a->why, "%s", *db_why ? db_why : what);
    else
      snprintf(a->why, sizeof a->why, "%s (%s)", what, db_why);
  }
  if (a->in_tx) rollback(a);
  a->in_tx = false;
  a->broken = true;
  char msg[1024];
  snprintf(msg, sizeof msg, "revisjonsloggen %s: %s", a->path, a->why);
  return set_err(err, code, msg, a->path);
}

norm_status norm_audit_add(norm_audit *a, norm_record *rec, long long *seq, norm_error *err)
{
  if (seq) *seq = 0;
  if (!rec) return set_err(err, NORM_ERR_USAGE, "ingen post å legge til (audit_later)", a->path);
  if (a->broken) {
    norm_record_free(rec);
    return broken(a, NORM_ERR_AUDIT, "", err);
  }
  oom_trap trap;
  oom_cleanup hold;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) return broken(a, NORM_ERR_MEMORY, "ikke nok minne til å skrive posten", err);
  oom_push(&hold, free_record, rec);
  free(rec->rec.tid);
  rec->rec.tid = NULL;                         /* the time it is recorded, in the order it is */
  rec->rec.tid = audit_now();
  bool ok = true;
  if (!a->in_tx) ok = a->in_tx = audit_begin(a->db);
  if (ok) ok = append(a, rec);
  if (ok && seq) *seq = rec->rec.seq;
  oom_pop(&hold);
  oom_trap_clear(&trap);
  norm_record_free(rec);
  return ok ? NORM_OK : broken(a, NORM_ERR_AUDIT, "kan ikke skrive posten", err);
}

norm_status norm_audit_commit(norm_audit *a, norm_error *err)
{
  if (a->broken) return broken(a, NORM_ERR_AUDIT, "", err);
  if (!a->in_tx) return NORM_OK;
  oom_trap trap;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) return broken(a, NORM_ERR_MEMORY, "ikke nok minne til å lagre postene", err);
  bool ok = commit(a);
  oom_trap_clear(&trap);
  a->in_tx = false;
  return ok ? NORM_OK : broken(a, NORM_ERR_AUDIT, "kan ikke lagre postene", err);
}

/* The loader's first problem: its JSON path (before ": "), and what kind of problem. */
static norm_status case_problem(const char *text, char *where, size_t n)
{
  where[0] = 0;
  if (strstr(text, "større enn grensen")) return NORM_ERR_LIMIT;
  if (strstr(text, CASE_NO_MEMORY)) return NORM_ERR_MEMORY;
  if (!strncmp(text, "linje ", 6) || strstr(text, "ugyldig JSON") || strstr(text, "ikke et JSON-objekt")) return NORM_ERR_JSON;
  const char *sep = strstr(text, ": ");
  const char *nl = strchr(text, '\n');
  if (sep && (!nl || sep < nl) && (size_t)(sep - text) < n) snprintf(where, n, "%.*s", (int)(sep - text), text);
  return NORM_ERR_CASE;
}

static void free_record(void *rec) { norm_record_free(rec); }

static void unlock(void *mu) { pthread_mutex_unlock(mu); }
static void free_html(void *h) { html_free(h); }

void norm_record_free(norm_record *rec)
{
  if (!rec) return;
  audit_record_free(&rec->rec);
  buf_free(&rec->case_text);
  buf_free(&rec->json);
  free(rec);
}

/* The judge lets go of the case it kept. */
static void forget(norm_judge *j)
{
  result_recycle(&j->res, &j->spare);
  case_recycle(j->rd, &j->c);
  j->kept = false;
}

static void forget_fn(void *j) { forget(j); }

/* The report in the format asked for, appended to out. */
static void render(norm_judge *j, const result *r, norm_format format, const norm_options *o, buf *out)
{
  if (format == NORM_FORMAT_JSON) {
    report_json_with(j->reporter, r, out);
    return;
  }
  if (format == NORM_FORMAT_COMPACT) {
    report_compact(r, out);
    return;
  }
  if (format == NORM_FORMAT_TEXT) {
    text_opts to = { o->color, o->all, o->trace };
    report_text_buf(r, &to, out);
    return;
  }
  if (format == NORM_FORMAT_NONE) return;
  /* one report at a time draws with Graphviz; the lock is let go if memory runs out */
  oom_cleanup locked, hold_h;
  pthread_mutex_lock(&o->drawer->lock);
  oom_push(&locked, unlock, &o->drawer->lock);
  mstream m;
  FILE *f = mstream_open(&m);                 /* (before the document, which html_end frees) */
  report_html *h = html_begin(o->drawer->gvc);
  oom_push(&hold_h, free_html, h);
  html_add(h, r);
  oom_pop(&hold_h);
  html_end(h, f);                             /* frees h, also when memory runs out */
  mstream_close_to(&m, out);
  oom_pop(&locked);
  pthread_mutex_unlock(&o->drawer->lock);
}

/* The decision's audit record: the result as norm-resultat/1 names it, whatever format was
** asked for (line), and with the case and that result when the log stores cases. */
static void make_record(norm_judge *j, norm_audit *audit, const char *json, size_t len, const result *r,
                        int32_t date, const char *case_digest, const char *line, size_t line_len, norm_record *rec)
{
  const bc_program *p = &j->r->p;
  uint8_t d[32];
  char result_digest[65], day[11];
  bcf_sha256(line, line_len, d);
  bcf_hex(d, 32, result_digest);
  date_format(date, day);
  rec->rules = j->r;
  rec->rec.tid = audit_now();
  rec->rec.norm_version = xstrdup(NORM_VERSION);
  rec->rec.ruleset = xstrdup(p->sha256_hex);
  rec->rec.case_digest = xstrdup(case_digest);
  rec->rec.sak_id = xstrdup(j->sak_id);
  rec->rec.date = xstrdup(day);
  rec->rec.operator_name = xstrdup(audit->operator_name);
  rec->rec.findings = audit_findings_json(r);
  rec->rec.result_digest = xstrdup(result_digest);
  rec->rec.signer = xstrdup(p->signer_id);
  if (audit->store_case) {
    buf_put(&rec->case_text, json, len);
    buf_put(&rec->json, line, line_len);
  }
}

/* What norm_judge_case does inside its trap: read, judge, report (appended to out) and make
** the audit record when rec is given; the case and its result are the judge's (j->c, j->res). */
static norm_status decide(norm_judge *j, const char *json, size_t len, const norm_options *o, norm_format format,
                          const int32_t *date_given, norm_result *res, norm_error *err, buf *out, norm_record *rec)
{
  buf_reset(&j->errors);
  char case_digest[65] = "";
  norm_audit *audit = o ? o->audit : NULL;
  ncase *c = &j->c;
  result *r = &j->res;
  if (!case_read(j->rd, json, len, c, &j->errors, audit ? case_digest : NULL)) {
    char where[256];
    const char *text = j->errors.data ? j->errors.data : "saksmappen kan ikke leses";
    norm_status s = case_problem(text, where, sizeof where);
    if (j->errors.data) j->problems = j->errors.data;
    return set_err(err, s, text, where);
  }
  int32_t date = date_given ? *date_given : c->has_date ? c->date : date_today();
  const char *id = c->sak_id ? c->sak_id : "";
  size_t id_len = strnlen(id, sizeof j->sak_id - 1);        /* (cut as snprintf would) */
  memcpy(j->sak_id, id, id_len);
  j->sak_id[id_len] = 0;
  res->sak_id = j->sak_id;
  date_format(date, res->date);
  j->full = !(format == NORM_FORMAT_COMPACT && !audit);
  eval_case_reusing(j->m, c, date, r, j->full ? EVAL_FULL : EVAL_STATUS, &j->spare);
  if (r->error != VM_OK) {
    char msg[512];
    snprintf(msg, sizeof msg, "regel %s: %s", r->error_rule, vm_status_text(r->error));
    return set_err(err, NORM_ERR_LIMIT, msg, r->error_rule);
  }
  size_t start = out->len;
  render(j, r, format, o, out);
  for (size_t i = 0; i < 7; i++) res->counts[i] = r->counts[engine_status[i]];
  res->act = r->counts[F_BRUDD] || r->counts[F_AVVIK] || r->counts[F_UKJENT];
  if (rec) {
    const char *line = out->data ? out->data + start : "";
    size_t line_len = out->len - start;
    if (format != NORM_FORMAT_JSON) {
      buf_reset(&j->json);
      report_json_with(j->reporter, r, &j->json);
      line = j->json.data;
      line_len = j->json.len;
    }
    make_record(j, audit, json, len, r, date, case_digest, line, line_len, rec);
  }
  res->text = out->data ? out->data + start : "";
  res->len = out->len - start;
  return NORM_OK;
}

/* The parts of a record on the stack (the struct itself is not freed). */
static void clear_record(void *p)
{
  norm_record *rec = p;
  audit_record_free(&rec->rec);
  buf_free(&rec->case_text);
  buf_free(&rec->json);
}

/* decide in a trap: out of memory anywhere in reading, judging or reporting, and this case
** is not judged, the judge stays usable, and nothing is kept (issue 14). rec, when given,
** is let go (free_rec) unless the case is judged. */
static norm_status decide_trapped(norm_judge *j, const char *json, size_t len, const norm_options *o,
                                  norm_format format, const int32_t *date, norm_result *out, norm_error *err,
                                  buf *dst, norm_record *rec, void (*free_rec)(void *))
{
  const size_t start = dst->len;
  oom_trap trap;
  oom_cleanup hold_case, hold_rec;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) {
    cut(dst, start);
    return set_err(err, NORM_ERR_MEMORY, "ikke nok minne til å vurdere saken; den er ikke vurdert", "");
  }
  oom_push(&hold_case, forget_fn, j);
  if (rec) oom_push(&hold_rec, free_rec, rec);
  norm_status s = decide(j, json, len, o, format, date, out, err, dst, rec);
  if (rec) oom_pop(&hold_rec);
  oom_pop(&hold_case);
  oom_trap_clear(&trap);
  if (s != NORM_OK && rec) free_rec(rec);
  return s;
}

/* Judges and, with options.audit, records: NORM_OK with the report appended to dst. */
static norm_status judge_and_record(norm_judge *j, const char *json, size_t len, const norm_options *o,
                                    norm_format format, const int32_t *date, norm_result *out, norm_error *err,
                                    buf *dst)
{
  norm_audit *audit = o ? o->audit : NULL;
  if (audit && o->audit_later) {
    norm_record *rec = calloc(1, sizeof *rec);
    if (!rec) return set_err(err, NORM_ERR_MEMORY, "ikke nok minne til å vurdere saken; den er ikke vurdert", "");
    norm_status s = decide_trapped(j, json, len, o, format, date, out, err, dst, rec, free_record);
    if (s == NORM_OK) out->record = rec;        /* the caller's now */
    return s;
  }
  pending me;
  memset(&me, 0, sizeof me);
  norm_status s = decide_trapped(j, json, len, o, format, date, out, err, dst, audit ? &me.r : NULL, clear_record);
  if (s == NORM_OK && audit) {
    /* Recording is outside the trap: the group commit has its own (commit_batch), so the
    ** queue and its lock are never left half done. */
    if (record(audit, &me)) {
      out->audit_seq = me.r.rec.seq;
    } else if (me.no_memory) {
      s = set_err(err, NORM_ERR_MEMORY, "ikke nok minne til å lagre vurderingen i revisjonsloggen; den er ikke gitt", audit->path);
    } else {
      char msg[1024];
      snprintf(msg, sizeof msg, "vurderingen kunne ikke lagres i revisjonsloggen %s (%s), og gis derfor ikke", audit->path, audit->why);
      s = set_err(err, NORM_ERR_AUDIT, msg, audit->path);
    }
  }
  clear_record(&me.r);
  return s;
}

norm_status norm_judge_case(norm_judge *j, const char *json, size_t len, const norm_options *o,
                            norm_result *out, norm_error *err)
{
  memset(out, 0, sizeof *out);
  out->text = out->sak_id = "";
  norm_error mine;
  if (!err) err = &mine;
  j->problems = "";
  if (j->kept) forget(j);
  norm_format format = o ? o->format : NORM_FORMAT_JSON;
  buf *dst = o && o->into ? o->into : &j->out;
  if (dst == &j->out) buf_reset(&j->out);
  const size_t start = dst->len;
  int32_t date = 0;
  bool has_date = o && o->date;
  norm_status s;
  if (format > NORM_FORMAT_NONE) s = set_err(err, NORM_ERR_USAGE, "ukjent format", "");
  else if (format == NORM_FORMAT_HTML && !o->drawer)
    s = set_err(err, NORM_ERR_USAGE, "HTML-rapporten trenger en tegner (norm_drawer_new)", "");
  else if (o && o->audit_later && !o->audit)
    s = set_err(err, NORM_ERR_USAGE, "audit_later gjelder bare sammen med en revisjonslogg (audit)", "");
  else if (has_date && !date_parse(o->date, strlen(o->date), &date))
    s = bad_date(err, o->date);
  else
    s = judge_and_record(j, json, len, o, format, has_date ? &date : NULL, out, err, dst);
  if (s == NORM_OK && o && o->keep) {
    j->kept = true;
    return NORM_OK;
  }
  forget(j);
  if (s == NORM_OK) return NORM_OK;
  cut(dst, start);
  norm_record_free(out->record);
  memset(out, 0, sizeof *out);
  out->text = out->sak_id = "";
  if (!*j->problems) {
    snprintf(j->why, sizeof j->why, "%s", err->message);
    j->problems = j->why;
  }
  return s;
}

const char *norm_judge_problems(const norm_judge *j) { return j->problems ? j->problems : ""; }

/* ---- the last judged case: its findings, HTML with several cases, and diagrams ---- */

const char *norm_finding_status_name(norm_finding_status s)
{
  return (unsigned)s < 7 ? fstatus_name[engine_status[s]] : "";
}

norm_status norm_judge_findings(norm_judge *j, const norm_finding **out, size_t *n, norm_error *err)
{
  norm_finding_status status[F__COUNT];        /* engine_status the other way */
  for (unsigned i = 0; i < 7; i++) status[engine_status[i]] = (norm_finding_status)i;
  *out = NULL;
  *n = 0;
  if (!j->kept) return set_err(err, NORM_ERR_USAGE, "dommeren har ingen vurdert sak (options.keep)", "");
  const bc_program *p = &j->r->p;
  const result *r = &j->res;
  if (j->found_cap < r->findings.len) {
    norm_finding *f = realloc(j->found, r->findings.len * sizeof *f);
    if (!f) return set_err(err, NORM_ERR_MEMORY, "ikke nok minne til funnene", "");
    j->found = f;
    j->found_cap = r->findings.len;
  }
  for (size_t i = 0; i < r->findings.len; i++) {
    const finding *f = &r->findings.items[i];
    j->found[i] = (norm_finding){ bc_str(p, p->rules.items[f->rule].id), f->rule, f->item, status[f->status] };
  }
  *out = j->found;
  *n = r->findings.len;
  return NORM_OK;
}

norm_status norm_judge_render(norm_judge *j, const norm_options *o, norm_buffer *into, norm_error *err)
{
  if (!j->kept) return set_err(err, NORM_ERR_USAGE, "dommeren har ingen vurdert sak å skrive ut (options.keep)", "");
  norm_format format = o ? o->format : NORM_FORMAT_JSON;
  if (format > NORM_FORMAT_NONE) return set_err(err, NORM_ERR_USAGE, "ukjent format", "");
  if (format == NORM_FORMAT_HTML && !o->drawer)
    return set_err(err, NORM_ERR_USAGE, "HTML-rapporten trenger en tegner (norm_drawer_new)", "");
  /* a case judged for the compact form has no traces: any other report would say too little */
  if (!j->full && format != NORM_FORMAT_COMPACT && format != NORM_FORMAT_NONE)
    return set_err(err, NORM_ERR_USAGE, "saken ble vurdert for kompakt format; vurder den på nytt for dette formatet", "");
  const size_t start = into->len;
  oom_trap trap;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) {
    cut(into, start);
    return set_err(err, NORM_ERR_MEMORY, "ikke nok minne til å skrive ut resultatet", "");
  }
  render(j, &j->res, format, o, into);
  oom_trap_clear(&trap);
  return NORM_OK;
}

/* html_begin in a trap: false when memory ran out */
static bool html_start(norm_html *h)
{
  oom_trap trap;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) return false;
  h->h = html_begin(h->d->gvc);
  oom_trap_clear(&trap);
  return true;
}

norm_html *norm_html_begin(norm_drawer *d)
{
  norm_html *h = calloc(1, sizeof *h);
  if (!h) return NULL;
  h->d = d;
  if (!html_start(h)) {
    free(h);
    return NULL;
  }
  return h;
}

void norm_html_free(norm_html *h)
{
  if (!h) return;
  if (h->h) html_free(h->h);
  free(h);
}

static const char no_memory_for_html[] = "ikke nok minne til HTML-rapporten; den er ikke hel";

norm_status norm_html_add(norm_html *h, const norm_judge *j, norm_error *err)
{
  if (h->broken) return set_err(err, NORM_ERR_MEMORY, no_memory_for_html, "");
  if (!j->kept) return set_err(err, NORM_ERR_USAGE, "dommeren har ingen vurdert sak å legge til (options.keep)", "");
  oom_trap trap;
  oom_cleanup locked;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) {
    h->broken = true;
    return set_err(err, NORM_ERR_MEMORY, no_memory_for_html, "");
  }
  pthread_mutex_lock(&h->d->lock);
  oom_push(&locked, unlock, &h->d->lock);
  html_add(h->h, &j->res);
  oom_pop(&locked);
  pthread_mutex_unlock(&h->d->lock);
  oom_trap_clear(&trap);
  return NORM_OK;
}

norm_status norm_html_end(norm_html *h, norm_buffer *into, norm_error *err)
{
  if (h->broken) {
    norm_html_free(h);
    return set_err(err, NORM_ERR_MEMORY, no_memory_for_html, "");
  }
  const size_t start = into->len;
  oom_trap trap;
  oom_cleanup locked;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) {
    norm_html_free(h);                         /* (the document, unless html_end let go of it) */
    cut(into, start);
    return set_err(err, NORM_ERR_MEMORY, no_memory_for_html, "");
  }
  pthread_mutex_lock(&h->d->lock);
  oom_push(&locked, unlock, &h->d->lock);
  mstream m;
  FILE *f = mstream_open(&m);
  report_html *doc = h->h;
  h->h = NULL;
  html_end(doc, f);                            /* frees doc, also when memory runs out */
  mstream_close_to(&m, into);
  oom_pop(&locked);
  pthread_mutex_unlock(&h->d->lock);
  oom_trap_clear(&trap);
  free(h);
  return NORM_OK;
}

static norm_status graph_options(const norm_graph_options *g, graph_opts *go, bool *detailed, norm_error *err)
{
  memset(go, 0, sizeof *go);
  go->all = g->all;
  go->rule = g->rule;
  char bad[64];
  if (g->only && !graph_parse_only(g->only, go, bad, sizeof bad)) {
    char msg[256];
    snprintf(msg, sizeof msg, "ukjent status «%s» (brudd, avvik, ukjent, vurder, begrunnet_avvik, oppfylt, ikke_aktuell)", bad);
    return set_err(err, NORM_ERR_USAGE, msg, bad);
  }
  *detailed = g->detailed || g->all || go->has_only || g->rule;
  return NORM_OK;
}

norm_status norm_graph_check(const norm_graph_options *g, const char *path, norm_error *err)
{
  graph_opts go;
  bool detailed;
  norm_status s = graph_options(g, &go, &detailed, err);
  if (s != NORM_OK) return s;
  if (path && !graph_known_format(path)) {
    char msg[512];
    snprintf(msg, sizeof msg, "«%.400s» har ukjent filtype; bruk .dot, .svg, .png eller .pdf", path);
    return set_err(err, NORM_ERR_USAGE, msg, path);
  }
  return NORM_OK;
}

norm_status norm_judge_draw(const norm_judge *j, norm_drawer *d, const norm_graph_options *g, const char *path,
                            norm_error *err)
{
  graph_opts go;
  bool detailed;
  norm_status s = norm_graph_check(g, path, err);
  if (s != NORM_OK) return s;
  graph_options(g, &go, &detailed, err);
  if (!j->kept) return set_err(err, NORM_ERR_USAGE, "dommeren har ingen vurdert sak å tegne (options.keep)", "");
  char *why = NULL;
  oom_trap trap;
  oom_cleanup locked, hold_g;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) return set_err(err, NORM_ERR_MEMORY, "ikke nok minne til å tegne diagrammet", path);
  pthread_mutex_lock(&d->lock);
  oom_push(&locked, unlock, &d->lock);
  Agraph_t *gr = detailed ? graph_case(&j->res, &go) : graph_overview(&j->res);
  graph_hold(&hold_g, gr);
  bool ok = graph_write(d->gvc, gr, path, &why);
  oom_pop(&hold_g);
  agclose(gr);
  oom_pop(&locked);
  pthread_mutex_unlock(&d->lock);
  oom_trap_clear(&trap);
  if (!ok) {
    char msg[1024];
    snprintf(msg, sizeof msg, "diagrammet %s: %s", path, why ? why : "kan ikke skrives");
    free(why);
    return set_err(err, NORM_ERR_OUTPUT, msg, path);
  }
  return NORM_OK;
}

void norm_buffer_free(norm_buffer *b) { buf_free(b); }

/* ---- reading an audit log ---- */

struct norm_audit_log {
  audit_db *db;
  audit_record got;          /* norm_audit_log_get's, until the next call */
};

static void entry_of(const audit_record *r, norm_audit_entry *e)
{
  *e = (norm_audit_entry){ r->seq, r->tid, r->norm_version, r->ruleset, r->case_digest, r->sak_id, r->date,
                           r->operator_name, r->findings, r->result_digest, r->prev, r->hash,
                           r->signer ? r->signer : "" };
}

static norm_status log_failed(norm_audit_log *l, norm_error *err)
{
  return set_err(err, NORM_ERR_AUDIT, audit_errmsg(l->db), "");
}

norm_status norm_audit_log_open(const char *path, norm_audit_log **out, norm_error *err)
{
  *out = NULL;
  norm_audit_log *l = calloc(1, sizeof *l);
  if (!l) return set_err(err, NORM_ERR_MEMORY, "ikke nok minne til å åpne revisjonsloggen", path);
  char *why = NULL;
  if (!(l->db = audit_open(path, false, &why))) {
    set_err(err, NORM_ERR_AUDIT, why, path);
    free(why);
    free(l);
    return NORM_ERR_AUDIT;
  }
  *out = l;
  return NORM_OK;
}

void norm_audit_log_close(norm_audit_log *l)
{
  if (!l) return;
  audit_record_free(&l->got);
  audit_close(l->db);
  free(l);
}

norm_status norm_audit_log_verify(norm_audit_log *l, norm_audit_check *out, norm_error *err)
{
  memset(out, 0, sizeof *out);
  audit_check c;
  if (!audit_verify(l->db, &c)) return log_failed(l, err);
  out->whole = c.ok;
  out->count = c.count;
  out->broken_at = c.bad;
  snprintf(out->head, sizeof out->head, "%s", c.head);
  snprintf(out->why, sizeof out->why, "%s", c.why ? c.why : "");
  free(c.why);
  return NORM_OK;
}

typedef struct {
  bool (*fn)(void *ctx, const norm_audit_entry *e);
  void *ctx;
} each_entry;

static bool each_record(void *ctx, const audit_record *r)
{
  each_entry *e = ctx;
  norm_audit_entry en;
  entry_of(r, &en);
  return e->fn(e->ctx, &en);
}

norm_status norm_audit_log_each(norm_audit_log *l, bool (*fn)(void *ctx, const norm_audit_entry *e), void *ctx,
                                norm_error *err)
{
  each_entry e = { fn, ctx };
  return audit_each(l->db, each_record, &e) ? NORM_OK : log_failed(l, err);
}

norm_status norm_audit_log_get(norm_audit_log *l, long long seq, norm_audit_entry *out, bool *found, norm_error *err)
{
  memset(out, 0, sizeof *out);
  audit_record_free(&l->got);
  memset(&l->got, 0, sizeof l->got);
  *found = audit_get(l->db, seq, &l->got);
  if (*found) entry_of(&l->got, out);
  else if (!audit_missing(l->db)) return log_failed(l, err);
  return NORM_OK;
}

norm_status norm_audit_log_rules(norm_audit_log *l, const char *digest, norm_buffer *normc, bool *found, norm_error *err)
{
  *found = audit_ruleset(l->db, digest, normc);
  return *found || audit_missing(l->db) ? NORM_OK : log_failed(l, err);
}

norm_status norm_audit_log_stored(norm_audit_log *l, long long seq, norm_buffer *case_json, norm_buffer *result_json,
                                  bool *found, norm_error *err)
{
  *found = audit_stored(l->db, seq, case_json, result_json);
  return *found || audit_missing(l->db) ? NORM_OK : log_failed(l, err);
}

bool norm_case_digest(const char *json, size_t len, char out[65]) { return audit_case_digest(json, len, out); }

void norm_digest(const void *bytes, size_t len, char out[65])
{
  uint8_t d[32];
  bcf_sha256(bytes, len, d);
  bcf_hex(d, 32, out);
}

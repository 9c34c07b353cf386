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
};

/* Graphviz's state is the process's; one context, used by one report at a time. */
struct norm_drawer {
  pthread_mutex_t lock;
  GVC_t *gvc;
};

/* One decision waiting for its record to be committed. */
typedef struct pending {
  audit_record rec;
  const norm_rules *rules;
  bool done, ok;
  bool no_memory;            /* not ok because memory ran out while committing: try again */
  pthread_cond_t wake;       /* its judge waits here: for its record, or to write next */
  struct pending *next;
} pending;

/* Group commit: a judge that finds no one writing becomes the writer and commits every
** record queued by then in one transaction; the others wait for it. Each waits on its own
** condition, so a commit wakes the judges it answered and the one that writes next, not
** every judge in the queue. */
struct norm_audit {
  pthread_mutex_t lock;
  audit_db *db;
  char *path, *operator_name;
  pending *head, *tail;      /* queued, not yet taken by a writer */
  bool writing;
  bool broken;               /* a commit failed: nothing more is recorded or answered */
  char why[512];
  /* Rule sets this log is known to hold (digest and .normc length; a signed one is longer
  ** than the same unsigned), so a commit does not write them again: read and written by
  ** the one writer only. */
  struct in_log { char sha[65]; size_t len; } in_log[8];
  size_t next_in_log;
};

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

norm_status norm_rules_load(const char *path, norm_rules **out, norm_error *err)
{
  *out = NULL;
  oom_trap trap;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) return set_err(err, NORM_ERR_MEMORY, no_memory_for_rules, path);
  norm_rules *r = xcalloc(1, sizeof *r);
  oom_cleanup hold_r, hold_text;
  oom_push(&hold_r, free_rules, r);
  mstream msgs;                               /* the compiler's messages */
  bool ok = fe_load_ruleset_image(path, &r->p, &r->image, mstream_open(&msgs), false);
  char *text = mstream_close(&msgs, NULL);
  oom_hold_mem(&hold_text, text);
  if (ok) finish(r);
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
    snprintf(msg, sizeof msg, "regelsettet er ikke signert; bare et regelsett signert med nøkkelen %s godtas", id);
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
  if (j->m) vm_free(j->m);
  if (j->rd) case_reader_free(j->rd);
  json_reporter_free(j->reporter);
  buf_free(&j->errors);
  buf_free(&j->out);
  buf_free(&j->json);
  free(j);
}

norm_drawer *norm_drawer_new(void)
{
  norm_drawer *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->gvc = gvContext();
  if (!d->gvc) {
    free(d);
    return NULL;
  }
  pthread_mutex_init(&d->lock, NULL);
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
  a->db = db;
  a->path = xstrdup(path);
  a->operator_name = xstrdup(operator_name);
  *out = a;
  return NORM_OK;
}

void norm_audit_close(norm_audit *a)
{
  if (!a) return;
  audit_close(a->db);
  pthread_mutex_destroy(&a->lock);
  free(a->path);
  free(a->operator_name);
  free(a);
}

typedef enum { COMMIT_OK, COMMIT_FAILED, COMMIT_NO_MEMORY } commit_status;

static bool write_batch(norm_audit *a, pending *batch);

/* Writes a batch in one transaction (called by the writer, without the lock). Memory that
** runs out midway rolls the transaction back: the batch is not recorded, and the log is
** as it was (the next transaction reads its head again). */
static commit_status commit_batch(norm_audit *a, pending *batch)
{
  oom_trap trap;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) {
    audit_rollback(a->db);
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

static bool write_batch(norm_audit *a, pending *batch)
{
  if (!audit_begin(a->db)) return false;
  const norm_rules *stored[8];               /* written in this transaction */
  size_t nstored = 0;
  for (pending *q = batch; q; q = q->next) {
    bool known = in_log(a, q->rules);
    for (size_t i = 0; i < nstored && !known; i++) known = stored[i] == q->rules;
    if (!known) {
      const bc_program *p = &q->rules->p;
      if (!audit_put_ruleset(a->db, p->sha256_hex, bc_str(p, p->name), q->rules->image.data, q->rules->image.len)) {
        audit_rollback(a->db);
        return false;
      }
      if (nstored < sizeof stored / sizeof *stored) stored[nstored++] = q->rules;
    }
    if (!audit_append(a->db, &q->rec, NULL, 0, NULL, 0)) {
      audit_rollback(a->db);
      return false;
    }
  }
  if (!audit_commit(a->db)) return false;
  /* only what is committed is known to be there (rows of rule sets are never removed) */
  for (size_t i = 0; i < nstored; i++) {
    struct in_log *k = &a->in_log[a->next_in_log++ % (sizeof a->in_log / sizeof *a->in_log)];
    snprintf(k->sha, sizeof k->sha, "%s", stored[i]->p.sha256_hex);
    k->len = stored[i]->image.len;
  }
  return true;
}

/* Queues the record and returns when it is committed (or the log has failed). */
static bool record(norm_audit *a, pending *me)
{
  pthread_mutex_lock(&a->lock);
  if (a->broken) {                   /* nothing more is recorded, so nothing is answered */
    pthread_mutex_unlock(&a->lock);
    return false;
  }
  pthread_cond_init(&me->wake, NULL);
  if (a->tail) a->tail->next = me;
  else a->head = me;
  a->tail = me;
  while (!me->done) {
    if (a->writing) {
      pthread_cond_wait(&me->wake, &a->lock);
      continue;
    }
    /* no one is writing: this judge writes everything queued so far */
    pending *batch = a->head;
    a->head = a->tail = NULL;
    a->writing = true;
    pthread_mutex_unlock(&a->lock);
    commit_status cs = commit_batch(a, batch);
    pthread_mutex_lock(&a->lock);
    if (cs == COMMIT_FAILED) {
      a->broken = true;
      snprintf(a->why, sizeof a->why, "%s", audit_errmsg(a->db));
    }
    /* (a judge woken here returns only once this one lets go of the lock) */
    for (pending *q = batch; q; q = q->next) {
      q->done = true;
      q->ok = cs == COMMIT_OK;
      q->no_memory = cs == COMMIT_NO_MEMORY;
      if (q != me) pthread_cond_signal(&q->wake);
    }
    a->writing = false;
    if (a->broken) {                 /* every one queued since is answered: not recorded */
      for (pending *q = a->head; q; q = q->next) {
        q->done = true;
        q->ok = false;
        pthread_cond_signal(&q->wake);
      }
      a->head = a->tail = NULL;
    } else if (a->head) {
      pthread_cond_signal(&a->head->wake);   /* the first queued since writes next */
    }
  }
  bool ok = me->ok;
  pthread_mutex_unlock(&a->lock);
  pthread_cond_destroy(&me->wake);
  return ok;
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

static void free_case(void *c) { case_free(c); }
static void free_result(void *r) { result_free(r); }
static void free_record(void *rec) { audit_record_free(rec); }
static void unlock(void *mu) { pthread_mutex_unlock(mu); }

static void free_html(void *h) { html_free(h); }

/* The report in the format asked for, into j->out. */
static void render(norm_judge *j, const result *r, norm_format format, const norm_options *o)
{
  buf_reset(&j->out);
  if (format == NORM_FORMAT_JSON) {
    report_json_with(j->reporter, r, &j->out);
    return;
  }
  if (format == NORM_FORMAT_COMPACT) {
    report_compact(r, &j->out);
    return;
  }
  if (format == NORM_FORMAT_TEXT) {
    text_opts to = { false, false, false };
    report_text_buf(r, &to, &j->out);
    return;
  }
  mstream m;
  FILE *f = mstream_open(&m);
  /* one report at a time draws with Graphviz; the lock is let go if memory runs out */
  oom_cleanup locked, hold_h, hold_text;
  pthread_mutex_lock(&o->drawer->lock);
  oom_push(&locked, unlock, &o->drawer->lock);
  report_html *h = html_begin(o->drawer->gvc);
  oom_push(&hold_h, free_html, h);
  html_add(h, r);
  oom_pop(&hold_h);
  html_end(h, f);                             /* frees h */
  oom_pop(&locked);
  pthread_mutex_unlock(&o->drawer->lock);
  size_t n;
  char *text = mstream_close(&m, &n);
  oom_hold_mem(&hold_text, text);
  buf_put(&j->out, text, n);
  oom_pop(&hold_text);
  free(text);
}

/* What norm_judge_case does inside its trap: read, judge, report and make the audit
** record; everything that holds memory is the caller's (c, r, rec) or the judge's. */
static norm_status decide(norm_judge *j, const char *json, size_t len, const norm_options *o, norm_format format,
                          const int32_t *date_given, norm_result *out, norm_error *err, ncase *c, result *r,
                          audit_record *rec)
{
  const bc_program *p = &j->r->p;
  buf_reset(&j->errors);
  char case_digest[65] = "";
  norm_audit *audit = o ? o->audit : NULL;
  if (!case_read(j->rd, json, len, c, &j->errors, audit ? case_digest : NULL)) {
    char where[256];
    const char *text = j->errors.data ? j->errors.data : "saksmappen kan ikke leses";
    norm_status s = case_problem(text, where, sizeof where);
    return set_err(err, s, text, where);
  }
  int32_t date = date_given ? *date_given : c->has_date ? c->date : date_today();
  snprintf(j->sak_id, sizeof j->sak_id, "%s", c->sak_id ? c->sak_id : "");
  out->sak_id = j->sak_id;
  eval_case_detail(j->m, c, date, r, format == NORM_FORMAT_COMPACT && !audit ? EVAL_STATUS : EVAL_FULL);
  if (r->error != VM_OK) {
    char msg[512];
    snprintf(msg, sizeof msg, "regel %s: %s", r->error_rule, vm_status_text(r->error));
    return set_err(err, NORM_ERR_LIMIT, msg, r->error_rule);
  }
  render(j, r, format, o);
  static const fstatus order[] = { F_BRUDD, F_AVVIK, F_BEGRUNNET, F_VURDER, F_UKJENT, F_OPPFYLT, F_IKKE_AKTUELL };
  for (size_t i = 0; i < 7; i++) out->counts[i] = r->counts[order[i]];
  out->act = r->counts[F_BRUDD] || r->counts[F_AVVIK] || r->counts[F_UKJENT];
  if (audit) {
    /* the record: the result as norm-resultat/1 names it, whatever format was asked for */
    const buf *line = &j->out;
    if (format != NORM_FORMAT_JSON) {
      buf_reset(&j->json);
      report_json_with(j->reporter, r, &j->json);
      line = &j->json;
    }
    uint8_t d[32];
    char result_digest[65], day[11];
    bcf_sha256(line->data ? line->data : "", line->len, d);
    bcf_hex(d, 32, result_digest);
    date_format(date, day);
    rec->tid = audit_now();
    rec->norm_version = xstrdup(NORM_VERSION);
    rec->ruleset = xstrdup(p->sha256_hex);
    rec->case_digest = xstrdup(case_digest);
    rec->sak_id = xstrdup(j->sak_id);
    rec->date = xstrdup(day);
    rec->operator_name = xstrdup(audit->operator_name);
    rec->findings = audit_findings_json(r);
    rec->result_digest = xstrdup(result_digest);
    rec->signer = xstrdup(p->signer_id);
  }
  out->text = j->out.data ? j->out.data : "";
  out->len = j->out.len;
  return NORM_OK;
}

norm_status norm_judge_case(norm_judge *j, const char *json, size_t len, const norm_options *o,
                            norm_result *out, norm_error *err)
{
  memset(out, 0, sizeof *out);
  out->text = out->sak_id = "";
  norm_format format = o ? o->format : NORM_FORMAT_JSON;
  if (format > NORM_FORMAT_HTML) return set_err(err, NORM_ERR_USAGE, "ukjent format", "");
  if (format == NORM_FORMAT_HTML && !o->drawer)
    return set_err(err, NORM_ERR_USAGE, "HTML-rapporten trenger en tegner (norm_drawer_new)", "");
  int32_t date = 0;
  bool has_date = o && o->date;
  if (has_date && !date_parse(o->date, strlen(o->date), &date))
    return set_err(err, NORM_ERR_USAGE, "datoen må skrives ÅÅÅÅ-MM-DD", "dato");
  ncase c;
  result r;
  pending me;
  memset(&c, 0, sizeof c);
  memset(&r, 0, sizeof r);
  memset(&me, 0, sizeof me);
  /* Out of memory anywhere in reading, judging or reporting: this case is not judged, the
  ** judge stays usable, and nothing is kept (issue 14). */
  oom_trap trap;
  oom_cleanup hold_c, hold_r, hold_rec;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) {
    memset(out, 0, sizeof *out);
    out->text = out->sak_id = "";
    return set_err(err, NORM_ERR_MEMORY, "ikke nok minne til å vurdere saken; den er ikke vurdert", "");
  }
  oom_push(&hold_c, free_case, &c);
  oom_push(&hold_r, free_result, &r);
  oom_push(&hold_rec, free_record, &me.rec);
  norm_status s = decide(j, json, len, o, format, has_date ? &date : NULL, out, err, &c, &r, &me.rec);
  oom_trap_clear(&trap);
  norm_audit *audit = o ? o->audit : NULL;
  if (s == NORM_OK && audit) {
    /* Recording is outside this trap: the group commit has its own (commit_batch), so
    ** the queue and its lock are never left half done. */
    me.rules = j->r;
    if (record(audit, &me)) {
      out->audit_seq = me.rec.seq;
    } else if (me.no_memory) {
      s = set_err(err, NORM_ERR_MEMORY, "ikke nok minne til å lagre vurderingen i revisjonsloggen; den er ikke gitt", audit->path);
    } else {
      char msg[1024];
      snprintf(msg, sizeof msg, "vurderingen kunne ikke lagres i revisjonsloggen %s (%s), og gis derfor ikke", audit->path, audit->why);
      s = set_err(err, NORM_ERR_AUDIT, msg, audit->path);
    }
  }
  if (s != NORM_OK) {
    out->text = "";
    out->len = 0;
  }
  audit_record_free(&me.rec);
  result_free(&r);
  case_free(&c);
  return s;
}

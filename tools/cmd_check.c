/*
** `norm check`: reads cases one at a time, judges them on a pool of workers, and writes
** the results in input order. Memory holds a fixed number of cases in flight, never the
** corpus. It uses the engine through the library's interface alone (include/norm.h), as
** norm serve does: each worker has a judge of its own; the rule set is shared and
** read-only. Everything that must happen in order – output, the audit log, messages,
** the HTML report and diagrams – happens on the main thread (HTML and diagrams judge
** inline, since Graphviz is not thread-safe).
*/
#define _GNU_SOURCE                          /* sched_getaffinity, CPU_COUNT */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "norm.h"
#include "cli.h"
#include "commands.h"
#include "date.h"
#include "util.h"

const char *const usage_check =
  "Bruk: norm check [VALG] SAKSMAPPE…\n"
  "\n"
  "Vurderer hver saksmappe (saksmappe/1, JSON) mot regelsettet og skriver funnene.\n"
  "SAKSMAPPE kan være en fil, en mappe (alle .json-, .ndjson- og .jsonl-filer i den og\n"
  "i undermappene, i navnerekkefølge), en NDJSON-fil (.ndjson/.jsonl, én sak per linje)\n"
  "eller - for standard inn (ett JSON-dokument, gjerne over flere linjer, eller NDJSON).\n"
  "En sti uten noen saksmappe er en feil (utgangsstatus 2).\n"
  "\n"
  "Valg:\n"
  "  --rules STI        regelfiler (fil eller mappe) eller en .normc (standard: rules/)\n"
  "  --dato ÅÅÅÅ-MM-DD  vurderingsdato for alle sakene (standard: sakens vurderingsdato,\n"
  "                     ellers dagens dato)\n"
  "  --format FORMAT    text (eller tekst): for mennesker (standard); json: norm-resultat/1,\n"
  "                     én linje per sak; kompakt: én kort JSON-linje per sak med bare\n"
  "                     funnene som krever handling og oppsummeringen (docs/kompakt.md),\n"
  "                     for store saksmengder; html: én selvstendig rapport med funn,\n"
  "                     begrunnelser, dokumentasjonskrav og beslutningssti (en oversikt\n"
  "                     først når det er flere saker)\n"
  "  -j, --jobber N     vurder N saker samtidig (standard: antall prosessorkjerner);\n"
  "                     resultatene kommer alltid i samme rekkefølge som sakene, og er\n"
  "                     de samme bytene uansett N (html og --graph vurderer én om gangen,\n"
  "                     og én sakfil alene vurderes uten flere tråder)\n"
  "  -o, --output FIL   skriv resultatet til FIL i stedet for standard ut\n"
  "  --alle             vis også oppfylte og ikke aktuelle funn i tekstformatet\n"
  "  --spor             vis hele sporet (alle vilkår og fakta som ble lest) under hvert funn\n"
  "                     i tekstformatet, ikke bare forklaringen\n"
  "  --audit FIL.db     skriv én post per vurdert sak i revisjonsloggen (SQLite), med\n"
  "                     regelsettet, sjekksummer av saken og resultatet og en hashkjede;\n"
  "                     et resultat vises først når posten er lagret\n"
  "  --operator NAVN    hvem som kjører vurderingen, til revisjonsloggen (standard:\n"
  "                     $NORM_OPERATOR, ellers $USER eller $LOGNAME; uten noen av dem\n"
  "                     avvises --audit før noe vurderes)\n"
  "  --audit-store-case lagre også selve saksmappen og resultatet i revisjonsloggen, for\n"
  "                     full etterprøving uten kildesystemet (personopplysninger!)\n"
  "  --trust NØKKEL.pem godta bare et regelsett signert med denne offentlige Ed25519-\n"
  "                     nøkkelen (norm compile --sign; se docs/signering.md)\n"
  "  --farge NÅR        auto (standard), alltid eller aldri\n"
  "  --graph FIL        tegn saken som oversikt (Graphviz): retningslinjene og reglene,\n"
  "                     samlet etter status; filtypen velger formatet: .dot, .svg, .png\n"
  "                     eller .pdf. Med flere saker får hver sin fil, med sak_id før\n"
  "                     filtypen (sti-2024-0193.svg)\n"
  "  --graph-detaljer   tegn hele beslutningsstien: hvert vilkår i den rekkefølgen det ble\n"
  "                     vurdert, med verdien, og fakta det leste\n"
  "  --graph-all        tegn også regler som ikke er aktuelle eller ikke i kraft (detaljert)\n"
  "  --graph-only LISTE bare funn med disse statusene, f.eks. brudd,avvik,ukjent\n"
  "  --graph-rule ID    bare denne regelen\n"
  "  -h, --help         vis denne hjelpen\n"
  "\n"
  "Sakene leses, vurderes og skrives én etter én: minnebruken avhenger ikke av hvor mange\n"
  "saker det er. Fra en pipe skrives hvert resultat så snart saken er vurdert. Ved lange\n"
  "kjøringer i en terminal viser standard feil fremdriften (antall saker, saker per\n"
  "sekund og, når størrelsen er kjent, tid igjen).\n";

#define MAX_WORKERS 64
#define SLOTS_PER_WORKER 16
#define AUDIT_CHUNK 64                       /* audit records per commit */

typedef enum { J_FREE, J_READY, J_BUSY, J_DONE } job_state;

/* One case in flight: its bytes in, and everything judging it produced. Buffers are kept
** from case to case, so a long run allocates nothing once they have grown. */
typedef struct {
  job_state state;
  buf name, text;
  buf out, err;              /* the report, and messages for stderr, in order */
  bool judged;               /* evaluated: out holds its report */
  bool act;                  /* a brudd, avvik or ukjent finding */
  bool usage;                /* an input that could not be judged: exit status 2 */
  norm_record *record;       /* --audit: the decision's record, added to the log in input order */
  size_t mark;               /* direct mode: where its report begins in the stream */
} job;

typedef struct checker checker;

typedef struct {
  checker *k;
  norm_judge *judge;
  pthread_t thread;
} worker;

typedef struct {
  bool on;
  struct timespec start, last;
  uint64_t total, done;      /* input bytes, when known */
  size_t cases;
  bool shown;
} progress;

/* --audit: records are added in input order and committed AUDIT_CHUNK at a time; the
** reports wait in held until the commit that holds their records, so every result norm
** prints has its record on disk, and a crash loses only results that were never shown.
** A writer thread adds and commits one batch while the main thread fills the next, so
** judging goes on while the disk syncs; at most one batch is in flight. */
typedef struct {
  norm_record *recs[AUDIT_CHUNK];
  size_t n;
  buf held;                  /* their reports, shown once they are committed */
} audit_batch;

typedef struct {
  norm_audit *log;
  const char *path;
  audit_batch fill, flight;  /* the batch being filled (main thread), and the writer's */
  bool in_flight;            /* flight is the writer's until it clears this */
  bool quit;
  bool failed;               /* a batch could not be recorded: nothing more is */
  char why[1024];
  size_t lost;               /* results of the batch that failed */
  unsigned told;             /* the failure has been said */
  size_t written;
  long long first_seq, last_committed;
  pthread_t writer;
  pthread_mutex_t mu;
  pthread_cond_t wake, idle;
} audit_run;

struct checker {
  const norm_rules *rules;
  norm_options opts;         /* the same for every case; into is each job's out */
  int status;                /* worst exit status so far */
  size_t printed;            /* text reports written (for the separator) */
  audit_run *audit;          /* NULL without --audit */
  const char *graph;         /* --graph FILE, or NULL */
  bool graph_per_case;       /* several cases: the sak_id goes into each file name */
  norm_graph_options gopts;
  norm_drawer *drawer;       /* Graphviz, for --graph and html */
  bool stopped;              /* the audit log failed: judge nothing more */
  norm_html *html;           /* --format html: the document being built */
  progress prog;
  /* the pool: slots[seq % nslots] holds case seq; taken and written in seq order */
  size_t nworkers, nslots;   /* judges (1: inline, no threads), and cases in flight */
  size_t nthreads;           /* worker threads: nworkers - 1, for the main thread judges too */
  worker *workers;
  job *slots;
  uint64_t submitted, taken, written;
  bool quit;
  size_t idle;               /* workers asleep, waiting for a case */
  bool waiting;              /* the main thread is asleep, waiting for a case to be judged or written */
  bool workers_emit;         /* workers write too: whichever thread finds the oldest cases judged
                                writes them, so a report is usually written by the core that made
                                it (not with --audit, whose log belongs to the main thread) */
  bool emitting;             /* a thread is writing a case (one at a time, in order) */
  bool input_failed;         /* a path could not be read (the main thread's, merged at the end) */
  /* One judge and no --audit or html: reports are judged straight into this buffer and go
  ** out with write(2) in large pieces, not copied once more into stdio's buffer. */
  bool direct;
  buf stream;
  bool write_failed;
  pthread_mutex_t mu;
  pthread_cond_t ready, done;
};

/* ---- --audit ---- */

/* The writer: records and commits each batch it is given, then shows its reports. */
static void *audit_writer(void *arg)
{
  audit_run *a = arg;
  pthread_mutex_lock(&a->mu);
  for (;;) {
    while (!a->in_flight && !a->quit) pthread_cond_wait(&a->wake, &a->mu);
    if (!a->in_flight) break;
    audit_batch *b = &a->flight;
    bool failed = a->failed;
    pthread_mutex_unlock(&a->mu);
    norm_error e;
    long long seq = 0, first = 0;
    size_t i = 0;
    for (; i < b->n && !failed; i++) {
      norm_record *rec = b->recs[i];
      b->recs[i] = NULL;
      failed = norm_audit_add(a->log, rec, &seq, &e) != NORM_OK;      /* (takes rec) */
      if (!first) first = seq;
    }
    for (; i < b->n; i++) norm_record_free(b->recs[i]);
    if (!failed) failed = norm_audit_commit(a->log, &e) != NORM_OK;
    if (!failed) {
      fwrite(b->held.data, 1, b->held.len, stdout);
      fflush(stdout);
    }
    pthread_mutex_lock(&a->mu);
    if (failed && !a->failed) {
      a->failed = true;
      a->lost = b->n;
      snprintf(a->why, sizeof a->why, "%s", e.message);
    } else if (!failed) {
      if (!a->first_seq) a->first_seq = first;
      a->written += b->n;
      if (b->n) a->last_committed = seq;
    }
    b->n = 0;
    buf_reset(&b->held);
    a->in_flight = false;
    pthread_cond_signal(&a->idle);
  }
  pthread_mutex_unlock(&a->mu);
  return NULL;
}

/* The log failed: says so once, and lets go of the batch being filled (never recorded). */
static bool audit_failed(audit_run *a)
{
  if (!a->told++)
    fprintf(stderr, "norm: %s. Resultatene for de %zu siste sakene er ikke lagret og vises ikke; ingen flere saker "
          "vurderes.\n", a->why, a->lost + a->fill.n);
  for (size_t i = 0; i < a->fill.n; i++) norm_record_free(a->fill.recs[i]);
  a->fill.n = 0;
  buf_reset(&a->fill.held);
  return false;
}

/* Gives the batch being filled to the writer once it has finished the one before; with
** wait, also waits until this one is committed and shown. False when the log has failed. */
static bool audit_hand_off(audit_run *a, bool wait)
{
  pthread_mutex_lock(&a->mu);
  while (a->in_flight) pthread_cond_wait(&a->idle, &a->mu);
  bool failed = a->failed;
  if (!failed && (a->fill.n || a->fill.held.len)) {
    audit_batch t = a->flight;                /* (empty: its buffer is used again) */
    a->flight = a->fill;
    a->fill = t;
    a->in_flight = true;
    pthread_cond_signal(&a->wake);
    if (wait) {
      while (a->in_flight) pthread_cond_wait(&a->idle, &a->mu);
      failed = a->failed;
    }
  }
  pthread_mutex_unlock(&a->mu);
  return failed ? audit_failed(a) : true;
}

/* Commits everything added, and shows the reports that waited for it. */
static bool audit_flush(audit_run *a) { return audit_hand_off(a, true); }

static bool audit_add(audit_run *a, norm_record *rec)
{
  a->fill.recs[a->fill.n++] = rec;
  return a->fill.n < AUDIT_CHUNK || audit_hand_off(a, false);
}

static audit_run *audit_open_run(const char *path, const char *operator_name, bool store_case)
{
  const char *op = operator_name;
  if (!op || !*op) op = getenv("NORM_OPERATOR");
  if (!op || !*op) op = getenv("USER");
  if (!op || !*op) op = getenv("LOGNAME");
  if (!op || !*op) {
    fprintf(stderr, "norm: revisjonsloggen %s: hvem som vurderer er ukjent; oppgi --operator NAVN "
                    "(eller sett NORM_OPERATOR)\n", path);
    return NULL;
  }
  norm_audit *log;
  norm_error e;
  if (norm_audit_open(path, op, &log, &e) != NORM_OK) {
    fprintf(stderr, "norm: revisjonsloggen %s: %s\n", path, e.message);
    return NULL;
  }
  norm_audit_store_cases(log, store_case);
  audit_run *a = xcalloc(1, sizeof *a);
  a->log = log;
  a->path = path;
  pthread_mutex_init(&a->mu, NULL);
  pthread_cond_init(&a->wake, NULL);
  pthread_cond_init(&a->idle, NULL);
  if (pthread_create(&a->writer, NULL, audit_writer, a) != 0) {
    fprintf(stderr, "norm: revisjonsloggen %s: kan ikke starte tråden som skriver den\n", path);
    exit(EXIT_USAGE);
  }
  return a;
}

/* Commits the rest and says on stderr how many records were written. */
static bool audit_close_run(audit_run *a)
{
  bool ok = audit_flush(a);
  pthread_mutex_lock(&a->mu);
  a->quit = true;
  pthread_cond_signal(&a->wake);
  pthread_mutex_unlock(&a->mu);
  pthread_join(a->writer, NULL);
  if (ok && a->written == 1)
    fprintf(stderr, "norm: 1 vurdering skrevet til revisjonsloggen %s (post %lld)\n", a->path, a->last_committed);
  else if (ok && a->written)
    fprintf(stderr, "norm: %zu vurderinger skrevet til revisjonsloggen %s (post %lld–%lld)\n", a->written, a->path,
            a->first_seq, a->last_committed);
  buf_free(&a->fill.held);
  buf_free(&a->flight.held);
  pthread_mutex_destroy(&a->mu);
  pthread_cond_destroy(&a->wake);
  pthread_cond_destroy(&a->idle);
  norm_audit_close(a->log);
  free(a);
  return ok;
}

/* --graph: FILE for a single case; with several, FILE with the sak_id before its extension. */
static void draw(checker *k, worker *w, job *j, const char *sak_id)
{
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", k->graph);
  if (k->graph_per_case) {
    char *dot = strrchr(path, '.');
    char ext[16];
    snprintf(ext, sizeof ext, "%s", dot);
    *dot = 0;
    char id[128];
    size_t n = 0;
    for (const char *s = *sak_id ? sak_id : "uten-id"; *s && n < sizeof id - 1; s++)
      id[n++] = (*s == '/' || *s == '\\' || (unsigned char)*s < 0x20) ? '_' : *s;
    id[n] = 0;
    size_t used = strlen(path);
    snprintf(path + used, sizeof path - used, "-%s%s", id, ext);
  }
  norm_error e;
  if (norm_judge_draw(w->judge, k->drawer, &k->gopts, path, &e) != NORM_OK) {
    buf_printf(&j->err, "norm: %s: %s\n", j->name.data, e.message);
    j->usage = true;
  }
}

static const char separator[] = "\n────────────────────────────────────────\n\n";   /* between text reports */

/* Judges one case and makes its report. Runs on a worker, or inline for HTML and diagrams
** (added and drawn here too, while the judge keeps the case). A case that cannot be
** judged – not a case, too costly, or memory ran out – costs this case only: its problems
** go to stderr, exit status 2, and the others are judged. */
static void judge(worker *w, job *j, bool inline_run)
{
  checker *k = w->k;
  buf *out = k->direct ? &k->stream : &j->out;
  if (!k->direct) buf_reset(&j->out);
  buf_reset(&j->err);
  j->judged = j->act = j->usage = false;
  const size_t mark = j->mark = out->len;
  if (k->direct && k->opts.format == NORM_FORMAT_TEXT && k->printed) buf_puts(out, separator);
  norm_options o = k->opts;
  o.into = out;
  norm_result res;
  norm_error e;
  if (norm_judge_case(w->judge, j->text.data, j->text.len, &o, &res, &e) != NORM_OK) {
    out->len = mark;                          /* (the separator too) */
    if (out->data) out->data[mark] = 0;
    /* every problem's line names the file (and the judge names the JSON path) */
    const char *name = j->name.data;
    for (const char *line = norm_judge_problems(w->judge); *line;) {
      const char *nl = strchr(line, '\n');
      size_t n = nl ? (size_t)(nl - line) : strlen(line);
      buf_printf(&j->err, "norm: %s: %.*s\n", name, (int)n, line);
      line += n + (nl != NULL);
    }
    j->usage = true;
    return;
  }
  if (o.format == NORM_FORMAT_JSON || o.format == NORM_FORMAT_COMPACT) buf_putc(out, '\n');
  j->record = res.record;
  j->act = res.act;
  j->judged = true;
  if (inline_run && k->html && norm_html_add(k->html, w->judge, &e) != NORM_OK) {
    /* a case half added to the document cannot be taken out again: the run stops */
    buf_printf(&j->err, "norm: %s: %s\n", j->name.data, e.message);
    j->usage = true;
    k->stopped = true;
  }
  if (inline_run && k->graph) draw(k, w, j, res.sak_id);
}

/* ---- progress on a terminal ---- */

static double seconds(const struct timespec *a, const struct timespec *b)
{
  return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_step(progress *g, size_t bytes)
{
  g->cases++;
  g->done += bytes;
  if (!g->on || g->cases % 64) return;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (seconds(&g->last, &now) < 0.5 || seconds(&g->start, &now) < 1.0) return;
  g->last = now;
  double t = seconds(&g->start, &now), rate = (double)g->cases / t;
  fprintf(stderr, "\rnorm: %zu saker vurdert, %.0f saker/s", g->cases, rate);
  if (g->total && g->done <= g->total) {
    double left = t * (double)(g->total - g->done) / (double)(g->done ? g->done : 1);
    fprintf(stderr, ", %.0f %% – omtrent %.0f s igjen", 100.0 * (double)g->done / (double)g->total, left);
  }
  fputs("\033[K", stderr);
  g->shown = true;
}

static void progress_end(progress *g)
{
  if (g->shown) fputs("\r\033[K", stderr);
}

/* ---- writing, in input order ---- */

#define STREAM_PIECE (256u << 10)            /* bytes of reports per write(2) in direct mode */
/* Writes the stream's first n bytes and keeps the rest. */
static void stream_write(checker *k, size_t n)
{
  if (!n) return;
  fflush(stdout);                            /* (anything stdio holds goes first) */
  const char *p = k->stream.data;
  size_t left = k->stream.len - n;
  while (n && !k->write_failed) {
    ssize_t w = write(fileno(stdout), p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      k->write_failed = true;
      break;
    }
    p += w;
    n -= (size_t)w;
  }
  memmove(k->stream.data, k->stream.data + k->stream.len - left, left);
  k->stream.len = left;
  k->stream.data[left] = 0;
}

static void stream_flush(checker *k) { stream_write(k, k->stream.len); }

static void emit(checker *k, job *j)
{
  progress_step(&k->prog, j->text.len + 1);
  norm_record *rec = j->record;
  j->record = NULL;
  if (k->stopped) {                          /* the audit log failed: nothing more is shown */
    norm_record_free(rec);
    return;
  }
  if (j->err.len) {
    if (k->direct) stream_write(k, j->mark);  /* what came before this case, before its messages */
    fflush(stdout);
    fwrite(j->err.data, 1, j->err.len, stderr);
  }
  if (j->usage) k->status = EXIT_USAGE;
  if (!j->judged) {
    norm_record_free(rec);
    return;
  }
  /* With --audit, reports wait until their records are committed. */
  bool sep = k->opts.format == NORM_FORMAT_TEXT && k->printed++;
  if (k->direct) {
    if (k->stream.len >= STREAM_PIECE) stream_flush(k);     /* (the separator is in it already) */
  } else if (k->audit) {
    if (sep) buf_puts(&k->audit->fill.held, separator);
    if (j->out.len) buf_put(&k->audit->fill.held, j->out.data, j->out.len);
    if (!audit_add(k->audit, rec)) {
      k->stopped = true;
      k->status = EXIT_USAGE;
      return;
    }
  } else {
    if (sep) fputs(separator, stdout);
    if (j->out.len) fwrite(j->out.data, 1, j->out.len, stdout);    /* HTML is written at the end */
  }
  if (j->act && k->status == EXIT_CLEAN) k->status = EXIT_FINDINGS;
}

/* Writes every case at the head of the line that is judged, in input order, one thread at a
** time. Called, and returns, with k->mu held; it is let go while a case is written. */
static void emit_ready(checker *k)
{
  while (!k->emitting && k->written < k->submitted) {
    job *j = &k->slots[k->written % k->nslots];
    if (j->state != J_DONE) break;
    k->emitting = true;
    pthread_mutex_unlock(&k->mu);
    emit(k, j);
    pthread_mutex_lock(&k->mu);
    j->state = J_FREE;
    k->written++;
    k->emitting = false;
    if (k->waiting) pthread_cond_signal(&k->done);
  }
}

static void *work(void *arg)
{
  worker *w = arg;
  checker *k = w->k;
  pthread_mutex_lock(&k->mu);
  for (;;) {
    while (!k->quit && k->taken == k->submitted) {
      k->idle++;
      pthread_cond_wait(&k->ready, &k->mu);
      k->idle--;
    }
    if (k->taken == k->submitted) break;               /* quit, and nothing left */
    job *j = &k->slots[k->taken++ % k->nslots];
    j->state = J_BUSY;
    pthread_mutex_unlock(&k->mu);
    judge(w, j, false);
    pthread_mutex_lock(&k->mu);
    j->state = J_DONE;
    if (k->workers_emit) emit_ready(k);
    if (k->waiting) pthread_cond_signal(&k->done);
  }
  pthread_mutex_unlock(&k->mu);
  return NULL;
}

/* Waits until fewer than n cases are in flight: writes the oldest when it is judged, judges
** another meanwhile (with the main thread's own VM), or sleeps until a worker has done
** either. */
static void wait_below(checker *k, uint64_t n)
{
  pthread_mutex_lock(&k->mu);
  while (k->submitted - k->written >= n) {
    if (k->slots[k->written % k->nslots].state == J_DONE && !k->emitting) {
      emit_ready(k);
    } else if (k->taken < k->submitted) {
      job *t = &k->slots[k->taken++ % k->nslots];
      t->state = J_BUSY;
      pthread_mutex_unlock(&k->mu);
      judge(&k->workers[k->nthreads], t, false);
      pthread_mutex_lock(&k->mu);
      t->state = J_DONE;
    } else {
      k->waiting = true;
      pthread_cond_wait(&k->done, &k->mu);
      k->waiting = false;
    }
  }
  pthread_mutex_unlock(&k->mu);
}

/* Before input would wait (a pipe): write everything judged so far, and flush it. */
static void drain(void *ctx)
{
  checker *k = ctx;
  if (k->nworkers > 1) wait_below(k, 1);
  stream_flush(k);
  if (k->audit && !k->stopped && !audit_flush(k->audit)) {   /* commit, so the results can be shown */
    k->stopped = true;
    k->status = EXIT_USAGE;
  }
  fflush(stdout);
}

static void submit(void *ctx, const char *name, const char *text, size_t len)
{
  checker *k = ctx;
  if (k->stopped) return;
  if (k->nworkers == 1) {                    /* inline: no threads, no copies */
    job *j = &k->slots[0];
    buf_reset(&j->name);
    buf_puts(&j->name, name);
    j->text.data = (char *)text;
    j->text.len = len;
    judge(&k->workers[0], j, true);
    emit(k, j);
    j->text.data = NULL;
    j->text.len = 0;
    return;
  }
  wait_below(k, k->nslots);                  /* room for one more */
  job *j = &k->slots[k->submitted % k->nslots];
  buf_reset(&j->name);
  buf_puts(&j->name, name);
  buf_reset(&j->text);
  buf_put(&j->text, text, len);
  pthread_mutex_lock(&k->mu);
  j->state = J_READY;
  k->submitted++;
  if (k->idle) pthread_cond_signal(&k->ready);          /* a wake-up costs a system call */
  emit_ready(k);                                         /* what is already judged, without waiting */
  pthread_mutex_unlock(&k->mu);
}

/* The inputs are one file that holds one case: not a folder, standard input or NDJSON. */
static bool one_case_file(char *const *paths, int n)
{
  struct stat st;
  return n == 1 && strcmp(paths[0], "-") && stat(paths[0], &st) == 0 && S_ISREG(st.st_mode) &&
         !str_has_suffix(paths[0], ".ndjson") && !str_has_suffix(paths[0], ".jsonl");
}

static void pool_start(checker *k, size_t n)
{
  k->nworkers = n;
  k->nslots = n == 1 ? 1 : n * SLOTS_PER_WORKER;
  /* With threads, the main thread is one of the n judges: it reads and writes, and judges
  ** whenever it would otherwise wait. n threads beside it would be one more than cores. */
  k->nthreads = n == 1 ? 0 : n - 1;
  k->workers_emit = k->nthreads > 0 && !k->audit;
  size_t vms = k->nthreads + 1;
  k->workers = xcalloc(vms, sizeof *k->workers);
  k->slots = xcalloc(k->nslots, sizeof *k->slots);
  pthread_mutex_init(&k->mu, NULL);
  pthread_cond_init(&k->ready, NULL);
  pthread_cond_init(&k->done, NULL);
  for (size_t i = 0; i < vms; i++) {
    k->workers[i].k = k;
    k->workers[i].judge = norm_judge_new(k->rules);
    if (!k->workers[i].judge) {
      fprintf(stderr, "norm check: tomt for minne\n");
      exit(EXIT_USAGE);
    }
  }
  for (size_t i = 0; i < k->nthreads; i++)
    if (pthread_create(&k->workers[i].thread, NULL, work, &k->workers[i]) != 0) {
      fprintf(stderr, "norm check: kan ikke starte flere tråder\n");
      exit(EXIT_USAGE);
    }
}

static void pool_stop(checker *k)
{
  drain(k);
  if (k->nworkers > 1) {
    pthread_mutex_lock(&k->mu);
    k->quit = true;
    pthread_cond_broadcast(&k->ready);
    pthread_mutex_unlock(&k->mu);
    for (size_t i = 0; i < k->nthreads; i++) pthread_join(k->workers[i].thread, NULL);
  }
  for (size_t i = 0; i < k->nthreads + 1; i++) norm_judge_free(k->workers[i].judge);
  for (size_t i = 0; i < k->nslots; i++) {
    job *j = &k->slots[i];
    buf_free(&j->name);
    if (k->nworkers > 1) buf_free(&j->text);
    buf_free(&j->out);
    buf_free(&j->err);
    norm_record_free(j->record);
  }
  free(k->workers);
  free(k->slots);
  pthread_mutex_destroy(&k->mu);
  pthread_cond_destroy(&k->ready);
  pthread_cond_destroy(&k->done);
}

/* Progress shows only on a terminal, for results that go elsewhere, and never in CI. */
static void progress_begin(progress *g, char **paths, int n)
{
  memset(g, 0, sizeof *g);
  g->on = isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO) && !getenv("CI");
  clock_gettime(CLOCK_MONOTONIC, &g->start);
  g->last = g->start;
  for (int i = 0; i < n; i++) {
    struct stat st;
    if (strcmp(paths[i], "-") && stat(paths[i], &st) == 0 && S_ISREG(st.st_mode)) g->total += (uint64_t)st.st_size;
    else {
      g->total = 0;                          /* a folder or a pipe: no time left to show */
      break;
    }
  }
}

int cmd_check(int argc, char **argv)
{
  static const struct option opts[] = {
    { "rules", required_argument, 0, 'r' }, { "dato", required_argument, 0, 'd' },
    { "format", required_argument, 0, 'f' }, { "alle", no_argument, 0, 'a' },
    { "farge", required_argument, 0, 'c' }, { "help", no_argument, 0, 'h' },
    { "audit", required_argument, 0, 'A' }, { "operator", required_argument, 0, 'O' },
    { "audit-store-case", no_argument, 0, 'S' }, { "graph", required_argument, 0, 'g' },
    { "graph-all", no_argument, 0, 'G' }, { "graph-only", required_argument, 0, 'y' },
    { "graph-rule", required_argument, 0, 'R' }, { "output", required_argument, 0, 'o' },
    { "spor", no_argument, 0, 's' }, { "graph-detaljer", no_argument, 0, 'D' },
    { "jobber", required_argument, 0, 'j' }, { "trust", required_argument, 0, 'T' }, { 0, 0, 0, 0 },
  };
  char rules_buf[PATH_MAX];
  const char *rules = NULL, *format = "text", *color = "auto", *audit = NULL, *operator_name = NULL, *output = NULL;
  const char *trust = NULL;
  bool store_case = false;
  size_t jobs = 0;
  const char *date = NULL, *only = NULL;
  bool detailed = false;
  checker k;
  memset(&k, 0, sizeof k);
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "ho:j:", opts, NULL)) != -1) {
    switch (c) {
    case 'r': rules = optarg; break;
    case 'd': {
      int32_t day;
      if (!date_parse(optarg, strlen(optarg), &day)) return cli_usage_error("check", "--dato «%s» er ikke en gyldig dato (ÅÅÅÅ-MM-DD)", optarg);
      date = optarg;
      break;
    }
    case 'f': format = optarg; break;
    case 'a': k.opts.all = true; break;
    case 's': k.opts.trace = true; break;
    case 'D': detailed = true; break;
    case 'c': color = optarg; break;
    case 'A': audit = optarg; break;
    case 'O': operator_name = optarg; break;
    case 'T': trust = optarg; break;
    case 'S': store_case = true; break;
    case 'g': k.graph = optarg; break;
    case 'o': output = optarg; break;
    case 'G': k.gopts.all = true; break;
    case 'R': k.gopts.rule = optarg; break;
    case 'j': {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*end || end == optarg || n < 1 || n > MAX_WORKERS)
        return cli_usage_error("check", "-j/--jobber må være et helt tall fra 1 til 64, ikke «%s»", optarg);
      jobs = (size_t)n;
      break;
    }
    case 'y': {
      norm_graph_options g = { .only = optarg };
      norm_error e;
      if (norm_graph_check(&g, NULL, &e) != NORM_OK) return cli_usage_error("check", "--graph-only: %s", e.message);
      only = optarg;
      break;
    }
    case 'h': fputs(usage_check, stdout); return EXIT_CLEAN;
    default: return cli_usage_error("check", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  bool html = !strcmp(format, "html");
  if (cli_is_text(format)) k.opts.format = NORM_FORMAT_TEXT;
  else if (!strcmp(format, "json")) k.opts.format = NORM_FORMAT_JSON;
  else if (!strcmp(format, "kompakt")) k.opts.format = NORM_FORMAT_COMPACT;
  else if (html) k.opts.format = NORM_FORMAT_NONE;       /* the cases go into one document */
  else return cli_usage_error("check", "--format må være text, json, kompakt eller html, ikke «%s»", format);
  if (strcmp(color, "auto") && strcmp(color, "alltid") && strcmp(color, "aldri"))
    return cli_usage_error("check", "--farge må være auto, alltid eller aldri, ikke «%s»", color);
  if (optind >= argc) return cli_usage_error("check", "%s", "ingen saksmappe er oppgitt");
  k.gopts.detailed = detailed;
  k.gopts.only = only;
  norm_error e;
  if (k.graph && norm_graph_check(&k.gopts, k.graph, &e) != NORM_OK) return cli_usage_error("check", "--graph: %s", e.message);
  if ((k.gopts.all || only || k.gopts.rule || detailed) && !k.graph)
    return cli_usage_error("check", "%s", "--graph-all, --graph-only, --graph-rule og --graph-detaljer gjelder bare sammen med --graph");
  if (k.graph) {
    struct stat st;
    k.graph_per_case = optind + 1 < argc || !strcmp(argv[optind], "-") || stat(argv[optind], &st) != 0 ||
                       S_ISDIR(st.st_mode) || !str_has_suffix(argv[optind], ".json");
  }
  if (audit && !*audit) return cli_usage_error("check", "%s", "--audit trenger en filsti (FIL.db)");
  if ((operator_name || store_case) && !audit)
    return cli_usage_error("check", "%s", "--operator og --audit-store-case gjelder bare sammen med --audit");
  if (!rules) rules = cli_default_rules(rules_buf, sizeof rules_buf);
  if (output || k.graph) {
    /* -o and --graph write only what they name: never an input, a device or a folder */
    VEC(const char *) inputs = { 0 };
    for (int i = optind; i < argc; i++) vec_push(&inputs, argv[i]);
    vec_push(&inputs, rules);
    if (audit) vec_push(&inputs, audit);
    bool fine = !output || cli_output_ok("check", output, inputs.items, inputs.len);
    if (fine && k.graph && !k.graph_per_case) fine = cli_output_ok("check", k.graph, inputs.items, inputs.len);
    if (fine && output && k.graph && !strcmp(output, k.graph)) {
      fprintf(stderr, "norm check: -o og --graph kan ikke skrive til samme fil\n");
      fine = false;
    }
    vec_free(&inputs);
    if (!fine) return EXIT_USAGE;
  }
  if (output && !freopen(output, "w", stdout)) {
    fprintf(stderr, "norm check: kan ikke skrive %s\n", output);
    return EXIT_USAGE;
  }
  norm_rules *r;
  buf messages = { 0 };
  norm_status loaded = norm_rules_load_messages(rules, cli_use_color(color, stderr), &r, &messages, &e);
  if (messages.len) fputs(messages.data, stderr);
  buf_free(&messages);
  if (loaded != NORM_OK) return EXIT_USAGE;
  if (trust && norm_rules_check_trust(r, trust, &e) != NORM_OK) {
    if (*e.where) fprintf(stderr, "norm check: --trust: %s\n", e.message);
    else fprintf(stderr, "norm check: %s: %s\n", rules, e.message);
    norm_rules_free(r);
    return EXIT_USAGE;
  }
  k.rules = r;
  k.opts.date = date;
  if (audit) {
    k.audit = audit_open_run(audit, operator_name, store_case);
    if (!k.audit) {
      norm_rules_free(r);
      return EXIT_USAGE;
    }
    k.opts.audit = k.audit->log;
    k.opts.audit_later = true;
  }
  k.opts.color = cli_use_color(color, stdout);
  k.opts.keep = html || k.graph;
  /* results go out in large writes, not one per 4 KB; a pipe still gets them as input pauses */
  static char outbuf[1 << 20];
  if (!isatty(STDOUT_FILENO)) setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  if (html || k.graph) {
    norm_error err;
    if (norm_drawer_create(&k.drawer, &err) != NORM_OK) {
      fprintf(stderr, "norm check: %s\n", err.message);
      exit(EXIT_USAGE);
    }
    if (html && !(k.html = norm_html_begin(k.drawer))) {
      fprintf(stderr, "norm check: tomt for minne\n");
      exit(EXIT_USAGE);
    }
  }
  /* Graphviz is not thread-safe: the HTML report and diagrams judge one case at a time. One
  ** case file is judged on this thread too, unless -j says otherwise: a worker would only
  ** wait for it. */
  size_t n = k.graph || html || (!jobs && one_case_file(argv + optind, argc - optind)) ? 1 : jobs ? jobs : cli_cores();
  pool_start(&k, n > MAX_WORKERS ? MAX_WORKERS : n);
  k.direct = k.nworkers == 1 && !k.audit && !html;
  progress_begin(&k.prog, argv + optind, argc - optind);
  for (int i = optind; i < argc && !k.stopped; i++)
    if (!cli_each_case_idle(argv[i], submit, drain, &k)) k.input_failed = true;
  pool_stop(&k);
  if (k.input_failed) k.status = EXIT_USAGE;
  progress_end(&k.prog);
  if (k.audit && !audit_close_run(k.audit)) k.status = EXIT_USAGE;
  if (k.html) {
    buf doc = { 0 };
    if (norm_html_end(k.html, &doc, &e) != NORM_OK) {
      fprintf(stderr, "norm check: %s\n", e.message);
      k.status = EXIT_USAGE;
    }
    if (doc.len) fwrite(doc.data, 1, doc.len, stdout);
    buf_free(&doc);
  }
  norm_drawer_free(k.drawer);
  buf_free(&k.stream);
  if (fflush(stdout) != 0 || k.write_failed) {
    fprintf(stderr, "norm check: resultatet kunne ikke skrives%s%s\n", output ? " til " : "", output ? output : "");
    k.status = EXIT_USAGE;
  }
  norm_rules_free(r);
  return k.status;
}

/*
** norm serve: the engine as an HTTP service for case-handling systems (GNU libmicrohttpd),
** on the library interface (include/norm.h) only. A thread pool sized to the cores judges;
** each thread keeps its own judge. The rule set is swapped on SIGHUP without stopping:
** requests in flight finish on the rule set they started with, and every answer names the
** digest it was judged by. Routes and operation: docs/drift.md.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <nettle/memops.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "jsonw.h"
#include "norm.h"
#include "serve_page.h"
#include "util.h"

const char *const usage_serve =
  "Bruk: norm serve [--listen ADRESSE:PORT] [--rules STI] [--tokens FIL] [VALG]\n"
  "\n"
  "Kjører norm som en HTTP-tjeneste for fagsystemer: de sender en saksmappe og får\n"
  "resultatet tilbake (norm-resultat/1), mens saksbehandleren er i saken. Regelsettet\n"
  "lastes på nytt ved SIGHUP uten at tjenesten stopper; SIGTERM stopper den etter at\n"
  "forespørslene som er i gang, er besvart. Se docs/drift.md.\n"
  "\n"
  "  POST /v1/vurdering     én saksmappe inn, resultatet ut (?dato=ÅÅÅÅ-MM-DD,\n"
  "                        ?format=json|kompakt|tekst|html)\n"
  "  POST /v1/vurderinger   NDJSON inn (én sak per linje), NDJSON ut, svar etter hvert\n"
  "                        (?dato=, ?format=json|kompakt)\n"
  "  GET  /v1/regelsett     regelsettets navn, sjekksum, retningslinjer og regler\n"
  "  PUT  /v1/regelsett     nytt regelsett (.normc i kroppen; krever --tokens og admin)\n"
  "  GET  /helse            om tjenesten lever og har et regelsett\n"
  "  GET  /metrikker        målinger i Prometheus-format\n"
  "  GET  /                 en side for folk: lim inn eller last opp en saksmappe og se\n"
  "                        HTML-rapporten (med --tokens: tokenet som passord)\n"
  "\n"
  "Valg:\n"
  "  --listen ADR:PORT  hvor tjenesten lytter (standard: 127.0.0.1:8080); en adresse\n"
  "                     utenfor maskinen krever --tokens\n"
  "  --rules STI        regelsettet: regelfiler, en mappe eller en .normc (standard: rules/)\n"
  "  --tokens FIL       tilgang: én linje «ROLLE TOKEN» per klient (roller: vurdering,\n"
  "                     admin); da krever alt unntatt /helse «Authorization: Bearer TOKEN»\n"
  "  --tls-cert FIL.pem  sertifikatkjeden (PEM) for HTTPS; sammen med --tls-key\n"
  "  --tls-key FIL.pem   den private nøkkelen (PEM, ukryptert) til sertifikatet\n"
  "  --trust NØKKEL.pem godta bare et regelsett signert med denne offentlige nøkkelen\n"
  "  --audit FIL.db     skriv hver vurdering i revisjonsloggen før den besvares (svaret\n"
  "                     har postens nummer i hodet X-Norm-Revisjon); vurderinger som skjer\n"
  "                     samtidig, lagres i samme transaksjon\n"
  "  --operator NAVN    hvem som vurderer, til revisjonsloggen (standard: $NORM_OPERATOR,\n"
  "                     ellers $USER)\n"
  "  -j, --jobber N     tråder som vurderer (standard: antall kjerner; med --audit åtte\n"
  "                     per kjerne, så flere vurderinger deler én skriving til disken)\n"
  "  -h, --help         vis denne hjelpen\n";

#define SERVE_MAX_INFLIGHT_PER_THREAD 64
#define SERVE_TIMEOUT_S 15                    /* a connection idle this long is closed */
#define SERVE_MAX_BATCH (64u << 20)           /* the largest NDJSON body of POST /v1/vurderinger */

/* ---- the rule set in use, swapped whole ---- */

typedef struct live {
  norm_rules *rules;
  atomic_int refs;           /* the server's own reference while current, and each user's */
} live;

static void live_release(live *l)
{
  if (l && atomic_fetch_sub(&l->refs, 1) == 1) {
    norm_rules_free(l->rules);
    free(l);
  }
}

/* ---- metrics ---- */

enum { R_VURDERING, R_VURDERINGER, R_REGELSETT, R_HELSE, R_METRIKKER, R_SIDE, R_ANNET, R__COUNT };
static const char *const route_name[] = { "/v1/vurdering", "/v1/vurderinger", "/v1/regelsett", "/helse", "/metrikker", "/", "annet" };
/* norm_status → the error's "kode" in an answer */
static const char *const error_code[] = { "", "regelsett", "ugyldig_json", "ugyldig_sak", "for_stor", "feil_bruk",
                                          "revisjonslogg", "minne", "tegning" };
_Static_assert(sizeof error_code / sizeof *error_code == NORM_ERR_OUTPUT + 1, "a code for every norm_status");
static const int statuses[] = { 200, 400, 401, 403, 404, 405, 413, 422, 500, 503 };
#define NSTATUS (sizeof statuses / sizeof *statuses)
static const double buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5 };
#define NBUCKET (sizeof buckets / sizeof *buckets)
static const char *const finding_name[] = { "brudd", "avvik", "begrunnet_avvik", "vurder", "ukjent", "oppfylt", "ikke_aktuell" };

typedef struct {
  atomic_ullong requests[R__COUNT][NSTATUS];
  atomic_ullong latency[NBUCKET + 1];         /* per bucket (not cumulative); the last is +Inf */
  atomic_ullong latency_us;
  atomic_ullong findings[7];
  atomic_ullong reloads_ok, reloads_failed;
} metrics;

/* ---- the server ---- */

typedef struct { char role[16]; char *token; } token;

typedef struct {
  pthread_mutex_t lock;
  live *current;
  const char *rules_path, *trust;
  norm_audit *audit;         /* --audit, or NULL */
  pthread_mutex_t draw_lock;
  norm_drawer *drawer;       /* draws the HTML reports, one at a time: made (and Graphviz
                                loaded) the first time one is asked for (drawer_for) */
  VEC(token) tokens;
  metrics m;
  atomic_int inflight;
  int max_inflight;
  pthread_key_t judge_key;
} server;

/* Each pool thread's judge, for the rule set it was made for. */
typedef struct {
  live *l;
  norm_judge *j;
  size_t last;               /* the size of its last report: the next answer's buffer starts so */
} thread_judge;

static void thread_judge_free(void *p)
{
  thread_judge *t = p;
  if (!t) return;
  norm_judge_free(t->j);
  live_release(t->l);
  free(t);
}

/* Cleanups (util.h) for what a request holds when memory runs out. */
static void release(void *l) { if (l) live_release(l); }
static void undo_inflight(void *s) { atomic_fetch_sub(&((server *)s)->inflight, 1); }
static void free_rules(void *r) { norm_rules_free(r); }

static live *acquire(server *s)
{
  pthread_mutex_lock(&s->lock);
  live *l = s->current;
  atomic_fetch_add(&l->refs, 1);
  pthread_mutex_unlock(&s->lock);
  return l;
}

/* This thread's judge for rule set l (made again when the rule set has changed). */
static norm_judge *judge_for(server *s, live *l)
{
  thread_judge *t = pthread_getspecific(s->judge_key);
  if (t && t->l == l) return t->j;
  if (!t) {
    t = xcalloc(1, sizeof *t);
    pthread_setspecific(s->judge_key, t);
  }
  norm_judge_free(t->j);
  live_release(t->l);
  atomic_fetch_add(&l->refs, 1);
  t->l = l;
  t->j = norm_judge_new(l->rules);
  return t->j;
}

/* ---- requests ---- */

typedef struct {
  buf body;
  bool too_big;
  size_t limit;              /* the largest body this route takes */
  struct timespec start;
  /* POST / (the page's form): its fields, as the post processor finds them */
  struct MHD_PostProcessor *pp;
  buf pasted, file;
  char date[16];
  bool bad_form;
  bool no_memory;            /* the body could not be held: answered 503 */
} request;

/* Appends a piece of a request's body without raising (util.h): it is called from inside
** libmicrohttpd (the post processor), which must not be jumped out of. */
static bool append(buf *b, const void *p, size_t n)
{
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) return false;
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
  return true;
}

static void release(void *l);
static void undo_inflight(void *s);
static void free_rules(void *r);

static int status_index(int status)
{
  for (size_t i = 0; i < NSTATUS; i++)
    if (statuses[i] == status) return (int)i;
  return (int)NSTATUS - 2;                    /* counted as 500 */
}

/* Every answer: the body, no caching, the digest it was judged by; an HTML page or report
** (html) also says that only its own inline styles and images may load. A 401 asks for the
** token the way the route's clients give it: Bearer for systems, Basic for a browser. */
static enum MHD_Result answer_body(struct MHD_Connection *c, int status, const char *type, char *body, size_t len,
                                   const char *digest, const char *allow, const char *seq, bool html, bool owned);

static enum MHD_Result answer(struct MHD_Connection *c, int status, const char *type, const char *body, size_t len,
                              const char *digest, const char *allow, const char *seq, bool html)
{
  return answer_body(c, status, type, (char *)body, len, digest, allow, seq, html, false);
}

/* With `owned`, body is malloc'd and given to libmicrohttpd, which frees it once it is sent
** (a decision's report goes out without being copied); else it is copied. */
static enum MHD_Result answer_body(struct MHD_Connection *c, int status, const char *type, char *body, size_t len,
                                   const char *digest, const char *allow, const char *seq, bool html, bool owned)
{
  struct MHD_Response *r = owned && body ? MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE)
                                         : MHD_create_response_from_buffer(len, (void *)(body ? body : ""), MHD_RESPMEM_MUST_COPY);
  if (!r) {
    if (owned) free(body);
    return MHD_NO;
  }
  if (seq) MHD_add_response_header(r, "X-Norm-Revisjon", seq);
  MHD_add_response_header(r, "Content-Type", html ? "text/html; charset=utf-8" : type);
  if (html) {
    MHD_add_response_header(r, "Content-Security-Policy", PAGE_CSP);
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");   /* "no-referrer" would make the form's Origin "null" */
  }
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  if (digest) MHD_add_response_header(r, "X-Norm-Regelsett", digest);
  if (allow) MHD_add_response_header(r, "Allow", allow);
  if (status == 503) MHD_add_response_header(r, "Retry-After", "1");
  if (status == 401) MHD_add_response_header(r, "WWW-Authenticate", html ? "Basic realm=\"norm\", charset=\"UTF-8\"" : "Bearer");
  enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, r);
  MHD_destroy_response(r);
  return ok;
}

static enum MHD_Result respond(struct MHD_Connection *c, int status, const char *type, const char *body, size_t len,
                               const char *digest, const char *allow)
{
  return answer(c, status, type, body, len, digest, allow, NULL, false);
}

/* An HTML page or report. */
static enum MHD_Result respond_page(struct MHD_Connection *c, int status, const buf *b, const char *digest, const char *seq)
{
  return answer(c, status, NULL, b->data, b->len, digest, NULL, seq, true);
}

/* A JSON error: {"feil": {"kode": …, "melding": …, "sti": …}}. */
static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *code, const char *msg,
                                  const char *where, const char *digest, const char *allow)
{
  buf b;
  buf_init(&b);
  oom_cleanup hold;
  oom_hold_buf(&hold, &b);
  jsonw w;
  jw_init(&w, &b);
  jw_obj(&w);
  jw_key(&w, "feil");
  jw_obj(&w);
  jw_kstr(&w, "kode", code);
  jw_kstr(&w, "melding", msg);
  if (where && *where) jw_kstr(&w, "sti", where);
  jw_obj_end(&w);
  jw_obj_end(&w);
  buf_putc(&b, '\n');
  enum MHD_Result ok = respond(c, status, "application/json; charset=utf-8", b.data, b.len, digest, allow);
  oom_pop(&hold);
  buf_free(&b);
  return ok;
}

/* The token a request carries: "Authorization: Bearer TOKEN", or HTTP Basic with the token
** as the password (what a browser sends for the page at /, after asking its user). */
static char *given_token(struct MHD_Connection *c)
{
  const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
  if (!h) return NULL;
  if (!strncmp(h, "Bearer ", 7)) return xstrdup(h + 7);
  char *pass = NULL, *user = MHD_basic_auth_get_username_password(c, &pass);
  char *t = pass ? strdup(pass) : NULL;
  bool lost = pass && !t;
  if (pass) {
    explicit_bzero(pass, strlen(pass));
    MHD_free(pass);
  }
  if (user) MHD_free(user);
  if (lost) oom_raise();                      /* after the password is wiped and let go */
  return t;
}

/* Whether the request carries a token of the role (any role for "vurdering"). */
static bool authorized(server *s, struct MHD_Connection *c, const char *role)
{
  if (!s->tokens.len) return true;
  char *given = given_token(c);
  if (!given) return false;
  size_t n = strlen(given);
  bool ok = false;
  for (size_t i = 0; i < s->tokens.len; i++) {
    const token *t = &s->tokens.items[i];
    size_t tn = strlen(t->token);
    /* every token compared in full, in constant time for its length */
    bool same = tn == n && memeql_sec(t->token, given, n);
    ok |= same && (!strcmp(role, "vurdering") || !strcmp(t->role, role));
  }
  explicit_bzero(given, n);
  free(given);
  return ok;
}

static const char *format_param(struct MHD_Connection *c, norm_format *f)
{
  const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format");
  if (!v || !strcmp(v, "json")) *f = NORM_FORMAT_JSON;
  else if (!strcmp(v, "kompakt")) *f = NORM_FORMAT_COMPACT;
  else if (cli_is_text(v)) *f = NORM_FORMAT_TEXT;
  else if (!strcmp(v, "html")) *f = NORM_FORMAT_HTML;
  else return v;
  return NULL;
}

static int http_status(norm_status st)
{
  switch (st) {
  case NORM_ERR_JSON: case NORM_ERR_USAGE: return 400;
  case NORM_ERR_CASE: case NORM_ERR_LIMIT: return 422;
  case NORM_ERR_MEMORY: return 503;
  default: return 500;
  }
}

/* The drawer for an HTML report, made the first time one is asked for: Graphviz is loaded
** only then, so a server that answers JSON runs where Graphviz is not installed. NULL, with
** the reason in err, when it cannot be made. */
static norm_drawer *drawer_for(server *s, norm_error *err)
{
  pthread_mutex_lock(&s->draw_lock);
  if (!s->drawer) norm_drawer_create(&s->drawer, err);
  norm_drawer *d = s->drawer;
  pthread_mutex_unlock(&s->draw_lock);
  return d;
}

static enum MHD_Result judge_request(server *s, struct MHD_Connection *c, request *q, int *status)
{
  live *l = acquire(s);
  oom_cleanup hold_l;
  oom_push(&hold_l, release, l);
  const char *digest = norm_rules_digest(l->rules);
  enum MHD_Result ok;
  norm_options o = { .date = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "dato"), .format = NORM_FORMAT_JSON,
                     .audit = s->audit };
  const char *bad_format = format_param(c, &o.format);
  norm_result res;
  norm_error err;
  if (!bad_format && o.format == NORM_FORMAT_HTML) o.drawer = drawer_for(s, &err);
  norm_judge *j = judge_for(s, l);
  if (bad_format) {
    *status = 400;
    ok = send_error(c, 400, "feil_bruk", "format må være json, kompakt, tekst eller html", "format", digest, NULL);
  } else if (o.format == NORM_FORMAT_HTML && !o.drawer) {
    *status = http_status(err.code);
    ok = send_error(c, *status, error_code[err.code], err.message, NULL, digest, NULL);
  } else if (!j) {
    *status = 503;
    ok = send_error(c, 503, "opptatt", "tjenesten har ikke minne til flere vurderinger nå", NULL, digest, NULL);
  } else {
    /* the report is judged straight into the answer's own buffer, which is then given to
    ** libmicrohttpd: not copied (a result of the shipped rules is about 36 KB) */
    buf b;
    buf_init(&b);
    oom_cleanup hold;
    oom_hold_buf(&hold, &b);
    thread_judge *t = pthread_getspecific(s->judge_key);
    buf_reserve(&b, t->last ? t->last : 4096);
    o.into = &b;
    norm_status st = norm_judge_case(j, q->body.data ? q->body.data : "", q->body.len, &o, &res, &err);
    if (st == NORM_OK) {
      *status = 200;
      for (size_t i = 0; i < 7; i++) atomic_fetch_add(&s->m.findings[i], res.counts[i]);
      if (o.format != NORM_FORMAT_TEXT && o.format != NORM_FORMAT_HTML) buf_putc(&b, '\n');
      char seq[32] = "";
      if (s->audit) snprintf(seq, sizeof seq, "%lld", res.audit_seq);
      t->last = b.len;
      oom_pop(&hold);                         /* b.data is libmicrohttpd's from here */
      const char *type = o.format == NORM_FORMAT_HTML ? NULL
                         : o.format == NORM_FORMAT_TEXT ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
      ok = answer_body(c, 200, type, b.data, b.len, digest, NULL, *seq ? seq : NULL, o.format == NORM_FORMAT_HTML, true);
    } else {
      oom_pop(&hold);
      buf_free(&b);
      *status = http_status(st);
      ok = send_error(c, *status, error_code[st], err.message, err.where, digest, NULL);
    }
  }
  oom_pop(&hold_l);
  live_release(l);
  return ok;
}

/* POST /v1/vurderinger: the cases of an NDJSON body, judged one at a time as the client reads
** the answer (chunked), so the answer is never held whole: one line per case, the result, or
** {"linje": N, "feil": {…}} for a case that cannot be judged. */
typedef struct {
  server *s;
  live *l;                   /* the rule set the batch started with */
  buf body;                  /* the cases, taken from the request */
  size_t pos;                /* the next line starts here */
  unsigned line;
  buf out;                   /* answers not yet read by the client */
  size_t sent;
  norm_options o;
  char date[16];
} batch;

static void batch_error(batch *b, const norm_error *err, int code)
{
  jsonw w;
  jw_init(&w, &b->out);
  jw_obj(&w);
  jw_kint(&w, "linje", b->line);
  jw_key(&w, "feil");
  jw_obj(&w);
  jw_kstr(&w, "kode", error_code[code]);
  jw_kstr(&w, "melding", err->message);
  if (*err->where) jw_kstr(&w, "sti", err->where);
  jw_obj_end(&w);
  jw_obj_end(&w);
  buf_putc(&b->out, '\n');
}

/* Judges the next non-empty line into b->out; false when there are no more. */
static bool batch_next(batch *b)
{
  while (b->pos < b->body.len) {
    const char *start = b->body.data + b->pos, *nl = memchr(start, '\n', b->body.len - b->pos);
    size_t len = nl ? (size_t)(nl - start) : b->body.len - b->pos;
    b->pos += len + (nl != NULL);
    b->line++;
    size_t n = len;
    while (n && (start[n - 1] == '\r' || start[n - 1] == ' ' || start[n - 1] == '\t')) n--;
    if (!n) continue;
    norm_judge *j = judge_for(b->s, b->l);
    norm_result res;
    norm_error err;
    norm_status st = j ? norm_judge_case(j, start, n, &b->o, &res, &err) : NORM_ERR_AUDIT;
    if (st == NORM_OK) {
      for (size_t i = 0; i < 7; i++) atomic_fetch_add(&b->s->m.findings[i], res.counts[i]);
      buf_put(&b->out, res.text, res.len);
      buf_putc(&b->out, '\n');
    } else {
      if (!j) snprintf(err.message, sizeof err.message, "tjenesten har ikke minne til flere vurderinger nå"), err.where[0] = 0;
      batch_error(b, &err, st);
    }
    return true;
  }
  return false;
}

static ssize_t batch_read(void *cls, uint64_t pos, char *to, size_t max)
{
  (void)pos;
  batch *b = cls;
  /* out of memory between the cases' answers: the answer ends with an error (the client sees
  ** the stream cut short, never a case left out in silence) */
  oom_trap trap;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) return MHD_CONTENT_READER_END_WITH_ERROR;
  while (b->sent == b->out.len) {
    buf_reset(&b->out);
    b->sent = 0;
    if (!batch_next(b)) {
      oom_trap_clear(&trap);
      return MHD_CONTENT_READER_END_OF_STREAM;
    }
  }
  oom_trap_clear(&trap);
  size_t n = b->out.len - b->sent < max ? b->out.len - b->sent : max;
  memcpy(to, b->out.data + b->sent, n);
  b->sent += n;
  return (ssize_t)n;
}

static void batch_free(void *cls)
{
  batch *b = cls;
  live_release(b->l);
  buf_free(&b->body);
  buf_free(&b->out);
  free(b);
}

static void free_batch(void *b) { batch_free(b); }

static enum MHD_Result stream_batch(server *s, struct MHD_Connection *c, request *q, int *status)
{
  batch *b = xcalloc(1, sizeof *b);
  b->s = s;
  b->l = acquire(s);
  b->body = q->body;                          /* taken: the request keeps nothing */
  buf_init(&q->body);
  oom_cleanup hold;                           /* until libmicrohttpd has it */
  oom_push(&hold, free_batch, b);
  const char *date = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "dato");
  if (date) snprintf(b->date, sizeof b->date, "%s", date);
  b->o.date = date ? b->date : NULL;
  b->o.audit = s->audit;
  const char *bad_format = format_param(c, &b->o.format);
  const char *digest = norm_rules_digest(b->l->rules);
  if (bad_format || b->o.format == NORM_FORMAT_TEXT || b->o.format == NORM_FORMAT_HTML) {
    *status = 400;
    enum MHD_Result ok = send_error(c, 400, "feil_bruk", "format må være json eller kompakt", "format", digest, NULL);
    oom_pop(&hold);
    batch_free(b);
    return ok;
  }
  oom_pop(&hold);
  struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 << 10, batch_read, b, batch_free);
  if (!r) {
    batch_free(b);
    return MHD_NO;
  }
  MHD_add_response_header(r, "Content-Type", "application/x-ndjson; charset=utf-8");
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_add_response_header(r, "X-Norm-Regelsett", digest);
  *status = 200;
  enum MHD_Result ok = MHD_queue_response(c, 200, r);
  MHD_destroy_response(r);
  return ok;
}

/* ---- the page at / (serve_page.h) ---- */

#define PAGE_KEEP (1u << 20)                  /* pasted text up to this size is kept in the form after an error */

/* The form, with why the case could not be judged above it when msg is not NULL. */
static enum MHD_Result page(server *s, struct MHD_Connection *c, live *l, int status, const char *msg,
                            const char *where, const request *q)
{
  buf b;
  buf_init(&b);
  oom_cleanup hold;
  oom_hold_buf(&hold, &b);
  page_info i = { l->rules, s->audit != NULL, msg, where,
                  q && q->pasted.len <= PAGE_KEEP ? q->pasted.data : NULL, q && *q->date ? q->date : NULL };
  page_form(&b, &i);
  enum MHD_Result ok = respond_page(c, status, &b, norm_rules_digest(l->rules), NULL);
  oom_pop(&hold);
  buf_free(&b);
  return ok;
}

/* The form's fields as they arrive: the pasted case (sak), the uploaded one (fil), the date. */
static enum MHD_Result form_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                  const char *content_type, const char *transfer_encoding, const char *data,
                                  uint64_t off, size_t size)
{
  (void)kind; (void)filename; (void)content_type; (void)transfer_encoding;
  request *q = cls;
  if (!strcmp(key, "dato")) {
    if (off + size >= sizeof q->date) q->bad_form = true;
    else {
      memcpy(q->date + off, data, size);
      q->date[off + size] = 0;
    }
    return MHD_YES;
  }
  buf *to = !strcmp(key, "sak") ? &q->pasted : !strcmp(key, "fil") ? &q->file : NULL;
  if (!to) return MHD_YES;                    /* other fields are not ours: ignored */
  if (to->len + size > NORM_MAX_CASE_BYTES) q->too_big = true;
  else if (!q->no_memory && !append(to, data, size)) q->no_memory = true;
  return MHD_YES;
}

/* A form may be posted only from the page itself: a browser says where a form came from
** (Sec-Fetch-Site, Origin), and one from another site is refused, so no other page the
** user has open can make decisions (and audit records) in the user's name. */
static bool same_origin(struct MHD_Connection *c)
{
  const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
  if (site && strcmp(site, "same-origin") && strcmp(site, "none")) return false;
  const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
  if (!origin) return true;
  const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
  const char *sep = strstr(origin, "://");
  return host && sep && !strcmp(sep + 3, host);
}

/* POST /: the case from the form judged into the HTML report. */
static enum MHD_Result judge_page(server *s, struct MHD_Connection *c, request *q, live *l, int *status)
{
  const buf *in = q->file.len ? &q->file : &q->pasted;
  size_t n = in->len;
  while (n && strchr(" \t\r\n", in->data[n - 1])) n--;
  if (q->too_big) {
    *status = 413;
    return page(s, c, l, 413, "saksmappen er større enn grensen på 16 MiB for én sak", NULL, NULL);
  }
  if (q->bad_form) {
    *status = 400;
    return page(s, c, l, 400, "skjemaet kunne ikke leses; send det fra siden på nytt", NULL, q);
  }
  if (!n) {
    *status = 400;
    return page(s, c, l, 400, "lim inn en saksmappe eller velg en fil", NULL, q);
  }
  norm_result res;
  norm_error err;
  norm_options o = { .date = *q->date ? q->date : NULL, .format = NORM_FORMAT_HTML, .audit = s->audit,
                     .drawer = drawer_for(s, &err) };
  norm_judge *j = o.drawer ? judge_for(s, l) : NULL;
  norm_status st = !o.drawer ? err.code : j ? norm_judge_case(j, in->data, n, &o, &res, &err) : NORM_ERR_MEMORY;
  if (st != NORM_OK) {
    if (o.drawer && !j) snprintf(err.message, sizeof err.message, "tjenesten har ikke minne til flere vurderinger nå"), err.where[0] = 0;
    *status = http_status(st);
    return page(s, c, l, *status, err.message, err.where, q);
  }
  for (size_t i = 0; i < 7; i++) atomic_fetch_add(&s->m.findings[i], res.counts[i]);
  char seq[32] = "";
  if (s->audit) snprintf(seq, sizeof seq, "%lld", res.audit_seq);
  buf b = { (char *)res.text, res.len, 0 };   /* borrowed: respond_page copies it */
  *status = 200;
  return respond_page(c, 200, &b, norm_rules_digest(l->rules), *seq ? seq : NULL);
}

/* GET / (the form) and POST / (the case judged into the report). */
static enum MHD_Result serve_page(server *s, struct MHD_Connection *c, request *q, live *l, bool get, bool post, int *status)
{
  if (!get && !post) {
    *status = 405;
    return send_error(c, 405, "feil_metode", "bruk GET eller POST", NULL, norm_rules_digest(l->rules), "GET, HEAD, POST");
  }
  if (!authorized(s, c, "vurdering")) {
    static const char denied[] = "<!DOCTYPE html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\">\n<title>Ingen tilgang – norm</title>\n"
                                 "</head>\n<body>\n<main>\n<h1>Ingen tilgang</h1>\n<p>Siden krever et token: oppgi det som passord "
                                 "(brukernavnet kan være hva som helst).</p>\n</main>\n</body>\n</html>\n";
    *status = 401;
    return answer(c, 401, NULL, denied, sizeof denied - 1, NULL, NULL, NULL, true);
  }
  if (get) {
    *status = 200;
    return page(s, c, l, 200, NULL, NULL, NULL);
  }
  if (!same_origin(c)) {
    *status = 403;
    return page(s, c, l, 403, "skjemaet ble sendt fra en annen side enn denne tjenestens egen, og avvises", NULL, NULL);
  }
  int n = atomic_fetch_add(&s->inflight, 1);
  oom_cleanup hold;
  oom_push(&hold, undo_inflight, s);
  enum MHD_Result ok;
  if (n >= s->max_inflight) {
    *status = 503;
    ok = page(s, c, l, 503, "for mange vurderinger på en gang; prøv igjen om litt", NULL, q);
  } else {
    ok = judge_page(s, c, q, l, status);
  }
  oom_pop(&hold);
  atomic_fetch_sub(&s->inflight, 1);
  return ok;
}

static bool load_rules_from(server *s, norm_rules *r, live **out, char *why, size_t n);

/* Makes l the rule set in use; requests in flight finish on the one they started with. */
static void swap_rules(server *s, live *next)
{
  pthread_mutex_lock(&s->lock);
  live *old = s->current;
  s->current = next;
  pthread_mutex_unlock(&s->lock);
  live_release(old);                          /* freed when the last request on it is done */
  atomic_fetch_add(&s->m.reloads_ok, 1);
  fprintf(stderr, "norm serve: nytt regelsett i bruk: %s\n", norm_rules_digest(next->rules));
}

/* PUT /v1/regelsett: a .normc in the body, verified (and its signer checked with --trust)
** off to the side, then swapped in. A rule set that fails keeps the old one serving. */
static enum MHD_Result put_rules(server *s, struct MHD_Connection *c, request *q, int *status)
{
  norm_rules *r = NULL;
  norm_error err;
  char why[1024] = "";
  live *next = NULL;
  if (q->too_big) {
    snprintf(why, sizeof why, "regelsettet er større enn grensen på 64 MiB");
  } else if (norm_rules_load_normc(q->body.data ? q->body.data : "", q->body.len, &r, &err) != NORM_OK) {
    snprintf(why, sizeof why, "%s", err.message);
  } else {
    oom_cleanup hold;                         /* until it is in a live wrapper */
    oom_push(&hold, free_rules, r);
    load_rules_from(s, r, &next, why, sizeof why);
    oom_pop(&hold);
  }
  live *l = acquire(s);
  enum MHD_Result ok;
  if (!next) {
    atomic_fetch_add(&s->m.reloads_failed, 1);
    fprintf(stderr, "norm serve: regelsettet fra PUT /v1/regelsett avvises; det forrige brukes fortsatt\n");
    *status = q->too_big ? 413 : 422;
    oom_cleanup hold;
    oom_push(&hold, release, l);
    ok = send_error(c, *status, "regelsett", why, NULL, norm_rules_digest(l->rules), NULL);
    oom_pop(&hold);
  } else {
    /* nothing here allocates: the new rule set cannot be left half swapped in */
    char body[256];
    snprintf(body, sizeof body, "{\"sha256\":\"%s\",\"forrige\":\"%s\"}\n", norm_rules_digest(next->rules), norm_rules_digest(l->rules));
    swap_rules(s, next);
    *status = 200;
    ok = respond(c, 200, "application/json; charset=utf-8", body, strlen(body), norm_rules_digest(next->rules), NULL);
  }
  live_release(l);
  return ok;
}

static void metrics_text(server *s, buf *b)
{
  live *l = acquire(s);
  buf_puts(b, "# HELP norm_foresporsler_total HTTP-forespørsler etter rute og status.\n# TYPE norm_foresporsler_total counter\n");
  for (int r = 0; r < R__COUNT; r++)
    for (size_t i = 0; i < NSTATUS; i++) {
      unsigned long long n = atomic_load(&s->m.requests[r][i]);
      if (n) buf_printf(b, "norm_foresporsler_total{rute=\"%s\",status=\"%d\"} %llu\n", route_name[r], statuses[i], n);
    }
  buf_puts(b, "# HELP norm_vurdering_sekunder Tid per vurdering (POST /v1/vurdering).\n# TYPE norm_vurdering_sekunder histogram\n");
  unsigned long long cum = 0;
  for (size_t i = 0; i <= NBUCKET; i++) {
    cum += atomic_load(&s->m.latency[i]);
    if (i < NBUCKET) buf_printf(b, "norm_vurdering_sekunder_bucket{le=\"%g\"} %llu\n", buckets[i], cum);
    else buf_printf(b, "norm_vurdering_sekunder_bucket{le=\"+Inf\"} %llu\n", cum);
  }
  buf_printf(b, "norm_vurdering_sekunder_sum %.6f\nnorm_vurdering_sekunder_count %llu\n",
             (double)atomic_load(&s->m.latency_us) / 1e6, cum);
  buf_puts(b, "# HELP norm_funn_total Funn i svarene, etter status.\n# TYPE norm_funn_total counter\n");
  for (size_t i = 0; i < 7; i++) buf_printf(b, "norm_funn_total{status=\"%s\"} %llu\n", finding_name[i], atomic_load(&s->m.findings[i]));
  buf_puts(b, "# HELP norm_regelsett_info Regelsettet som brukes nå.\n# TYPE norm_regelsett_info gauge\n");
  buf_printf(b, "norm_regelsett_info{sha256=\"%s\",navn=\"", norm_rules_digest(l->rules));
  for (const char *p = norm_rules_name(l->rules); *p; p++) {
    if (*p == '"' || *p == '\\') buf_putc(b, '\\');
    if (*p == '\n') { buf_puts(b, "\\n"); continue; }
    buf_putc(b, *p);
  }
  buf_puts(b, "\"} 1\n");
  buf_puts(b, "# HELP norm_omlastinger_total Omlastinger av regelsettet.\n# TYPE norm_omlastinger_total counter\n");
  buf_printf(b, "norm_omlastinger_total{resultat=\"ok\"} %llu\nnorm_omlastinger_total{resultat=\"feil\"} %llu\n",
             atomic_load(&s->m.reloads_ok), atomic_load(&s->m.reloads_failed));
  live_release(l);
}

static double since(const struct timespec *t0)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static enum MHD_Result dispatch(server *s, struct MHD_Connection *c, request *q, const char *url, const char *method);
static enum MHD_Result answer_request(server *s, struct MHD_Connection *c, request *q, const char *url, const char *method);

/* A request: its headers, the pieces of its body, then the answer. Memory that runs out
** while a request is answered costs that request (503) and nothing else: the server goes
** on, and holds nothing of it. (The body's pieces are kept without raising: they arrive
** inside libmicrohttpd.) */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **ctx)
{
  (void)version;
  server *s = cls;
  request *q = *ctx;
  if (!q) {                                   /* the headers have arrived */
    if (!(q = calloc(1, sizeof *q))) return MHD_NO;    /* (the connection is closed) */
    clock_gettime(CLOCK_MONOTONIC, &q->start);
    q->limit = !strcmp(url, "/v1/regelsett") && !strcmp(method, "PUT") ? NORM_MAX_NORMC_BYTES
             : !strcmp(url, "/v1/vurderinger") ? SERVE_MAX_BATCH : NORM_MAX_CASE_BYTES;
    if (!strcmp(url, "/") && !strcmp(method, "POST")) {
      /* the form: url-encoded or multipart (a file), parsed as it arrives; its fields are
      ** held, not the body, and each is limited to the size of one case */
      q->pp = MHD_create_post_processor(c, 64 << 10, form_field, q);
      if (!q->pp) q->bad_form = true;
    }
    *ctx = q;
    return MHD_YES;
  }
  if (*upload_size) {                         /* a piece of the body */
    if (q->pp) {
      if (!q->too_big && !q->bad_form && MHD_post_process(q->pp, upload, *upload_size) != MHD_YES) q->bad_form = true;
    } else if (q->body.len + *upload_size > q->limit) {
      q->too_big = true;
    } else if (!q->no_memory && !append(&q->body, upload, *upload_size)) {
      q->no_memory = true;
      buf_free(&q->body);
    }
    *upload_size = 0;
    return MHD_YES;
  }
  return answer_request(s, c, q, url, method);
}

/* The answer, in a trap: what the request holds is let go by the cleanups it pushed. */
static enum MHD_Result answer_request(server *s, struct MHD_Connection *c, request *q, const char *url, const char *method)
{
  oom_trap trap;
  oom_trap_set(&trap);
  if (setjmp(trap.env)) {
    static const char msg[] = "{\"feil\":{\"kode\":\"minne\",\"melding\":\"tjenesten har ikke minne nok til å svare på "
                              "denne forespørselen nå; prøv igjen om litt\"}}\n";
    atomic_fetch_add(&s->m.requests[R_ANNET][status_index(503)], 1);
    fprintf(stderr, "norm serve: tom for minne under en forespørsel; den fikk 503, og tjenesten går videre\n");
    return answer(c, 503, "application/json; charset=utf-8", msg, sizeof msg - 1, NULL, NULL, NULL, false);
  }
  enum MHD_Result ok = dispatch(s, c, q, url, method);
  oom_trap_clear(&trap);
  return ok;
}

static enum MHD_Result dispatch(server *s, struct MHD_Connection *c, request *q, const char *url, const char *method)
{
  int route = !strcmp(url, "/v1/vurdering") ? R_VURDERING : !strcmp(url, "/v1/vurderinger") ? R_VURDERINGER
            : !strcmp(url, "/v1/regelsett") ? R_REGELSETT
            : !strcmp(url, "/helse") ? R_HELSE : !strcmp(url, "/metrikker") ? R_METRIKKER
            : !strcmp(url, "/") ? R_SIDE : R_ANNET;
  bool post = !strcmp(method, "POST"), get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
  bool put = route == R_REGELSETT && !strcmp(method, "PUT");
  int status = 500;
  enum MHD_Result ok;
  live *l = acquire(s);
  oom_cleanup hold_l;
  oom_push(&hold_l, release, l);
  const char *digest = norm_rules_digest(l->rules);
  if (q->no_memory) {
    status = 503;
    ok = send_error(c, 503, "minne", "tjenesten hadde ikke minne nok til å ta imot forespørselen; prøv igjen om litt",
                    NULL, digest, NULL);
  } else if (route == R_SIDE) {
    ok = serve_page(s, c, q, l, get, post, &status);
  } else if (route == R_ANNET) {
    status = 404;
    ok = send_error(c, 404, "finnes_ikke", "ukjent adresse; se GET /v1/regelsett, POST /v1/vurdering", NULL, digest, NULL);
  } else if (route == R_VURDERING || route == R_VURDERINGER ? !post : !get && !put) {
    bool posts = route == R_VURDERING || route == R_VURDERINGER;
    status = 405;
    ok = send_error(c, 405, "feil_metode", posts ? "bruk POST" : route == R_REGELSETT ? "bruk GET eller PUT" : "bruk GET",
                    NULL, digest, posts ? "POST" : route == R_REGELSETT ? "GET, HEAD, PUT" : "GET, HEAD");
  } else if (put && !s->tokens.len) {
    status = 403;
    ok = send_error(c, 403, "ikke_tilgang", "et nytt regelsett over HTTP krever at tjenesten kjører med --tokens "
                    "og en admin-token; uten dem: SIGHUP", NULL, digest, NULL);
  } else if (put && !authorized(s, c, "admin")) {
    status = s->tokens.len && authorized(s, c, "vurdering") ? 403 : 401;
    ok = send_error(c, status, "ikke_tilgang", "et nytt regelsett krever en admin-token", NULL, digest, NULL);
  } else if (put) {
    ok = put_rules(s, c, q, &status);
  } else if (route != R_HELSE && !authorized(s, c, "vurdering")) {
    status = 401;
    ok = send_error(c, 401, "ikke_tilgang", "mangler eller ugyldig «Authorization: Bearer TOKEN»", NULL, NULL, NULL);
  } else if (route == R_VURDERING && q->too_big) {
    status = 413;
    ok = send_error(c, 413, "for_stor", "saksmappen er større enn grensen på 16 MiB for én sak", NULL, digest, NULL);
  } else if (route == R_VURDERINGER && q->too_big) {
    status = 413;
    ok = send_error(c, 413, "for_stor", "kroppen er større enn grensen på 64 MiB; del sakene på flere forespørsler", NULL, digest, NULL);
  } else if (route == R_VURDERINGER) {
    ok = stream_batch(s, c, q, &status);
  } else if (route == R_VURDERING) {
    int n = atomic_fetch_add(&s->inflight, 1);
    oom_cleanup hold;
    oom_push(&hold, undo_inflight, s);
    if (n >= s->max_inflight) {
      status = 503;
      ok = send_error(c, 503, "opptatt", "for mange vurderinger på en gang; prøv igjen om litt", NULL, digest, NULL);
    } else {
      ok = judge_request(s, c, q, &status);
      double t = since(&q->start);
      size_t b = 0;
      while (b < NBUCKET && t > buckets[b]) b++;
      atomic_fetch_add(&s->m.latency[b], 1);
      atomic_fetch_add(&s->m.latency_us, (unsigned long long)(t * 1e6));
    }
    oom_pop(&hold);
    atomic_fetch_sub(&s->inflight, 1);
  } else {
    buf b;
    buf_init(&b);
    oom_cleanup hold;
    oom_hold_buf(&hold, &b);
    const char *type = "application/json; charset=utf-8";
    if (route == R_REGELSETT) {
      size_t n;
      const char *json = norm_rules_json(l->rules, &n);
      buf_put(&b, json, n);
      buf_putc(&b, '\n');
    } else if (route == R_HELSE) {
      buf_printf(&b, "{\"status\":\"ok\",\"regelsett\":\"%s\"}\n", digest);
    } else {
      metrics_text(s, &b);
      type = "text/plain; version=0.0.4; charset=utf-8";
    }
    status = 200;
    ok = respond(c, 200, type, b.data, b.len, digest, NULL);
    oom_pop(&hold);
    buf_free(&b);
  }
  oom_pop(&hold_l);
  live_release(l);
  atomic_fetch_add(&s->m.requests[route][status_index(status)], 1);
  return ok;
}

static void request_done(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode why)
{
  (void)cls; (void)c; (void)why;
  request *q = *ctx;
  if (!q) return;
  if (q->pp) MHD_destroy_post_processor(q->pp);
  buf_free(&q->pasted);
  buf_free(&q->file);
  buf_free(&q->body);
  free(q);
  *ctx = NULL;
}

/* ---- setup ---- */

static bool read_tokens(server *s, const char *path)
{
  size_t len;
  const char *e;
  char *text = read_file(path, 1 << 20, &len, &e);
  if (!text) {
    fprintf(stderr, "norm serve: --tokens %s: %s\n", path, e);
    return false;
  }
  bool ok = true;
  unsigned line = 0;
  for (char *p = text, *next; p && *p && ok; p = next) {
    next = strchr(p, '\n');
    if (next) *next++ = 0;
    line++;
    char role[16], tok[512];
    if (*p == '#' || strspn(p, " \t\r") == strlen(p)) continue;
    int n = sscanf(p, "%15s %511s", role, tok);
    if (n != 2 || (strcmp(role, "vurdering") && strcmp(role, "admin")) || strlen(tok) < 16) {
      fprintf(stderr, "norm serve: %s:%u: en linje er «ROLLE TOKEN», der ROLLE er vurdering eller admin "
              "og TOKEN har minst 16 tegn\n", path, line);
      ok = false;
      break;
    }
    token t;
    snprintf(t.role, sizeof t.role, "%s", role);
    t.token = xstrdup(tok);
    vec_push(&s->tokens, t);
  }
  free(text);
  if (ok && !s->tokens.len) {
    fprintf(stderr, "norm serve: %s har ingen tokener\n", path);
    ok = false;
  }
  return ok;
}

/* Takes r (freed on failure) if --trust allows it. */
static bool load_rules_from(server *s, norm_rules *r, live **out, char *why, size_t n)
{
  norm_error err;
  if (s->trust && norm_rules_check_trust(r, s->trust, &err) != NORM_OK) {
    snprintf(why, n, "%s", err.message);
    norm_rules_free(r);
    return false;
  }
  live *l = xcalloc(1, sizeof *l);
  l->rules = r;
  atomic_init(&l->refs, 1);
  *out = l;
  return true;
}

static bool load_rules(server *s, live **out)
{
  norm_rules *r;
  norm_error err;
  char why[1024];
  if (norm_rules_load(s->rules_path, &r, &err) != NORM_OK) {
    fprintf(stderr, "norm serve: regelsettet %s kan ikke brukes:\n%s\n", s->rules_path, err.message);
    return false;
  }
  if (!load_rules_from(s, r, out, why, sizeof why)) {
    fprintf(stderr, "norm serve: regelsettet %s avvises: %s\n", s->rules_path, why);
    return false;
  }
  return true;
}

/* --tls-cert and --tls-key, read whole (PEM); a key others may read is named on stderr. */
static bool read_tls(const char *cert_path, const char *key_path, char **cert, char **key)
{
  if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
    fprintf(stderr, "norm serve: libmicrohttpd på denne maskinen er bygd uten TLS\n");
    return false;
  }
  size_t len;
  const char *e;
  *cert = read_file(cert_path, 1 << 20, &len, &e);
  if (!*cert) {
    fprintf(stderr, "norm serve: --tls-cert %s: %s\n", cert_path, e);
    return false;
  }
  if (!strstr(*cert, "-----BEGIN CERTIFICATE-----")) {
    fprintf(stderr, "norm serve: --tls-cert %s: ikke et sertifikat i PEM-format (-----BEGIN CERTIFICATE-----)\n", cert_path);
    return false;
  }
  *key = read_file(key_path, 1 << 20, &len, &e);
  if (!*key) {
    fprintf(stderr, "norm serve: --tls-key %s: %s\n", key_path, e);
    return false;
  }
  if (!strstr(*key, "PRIVATE KEY-----") || strstr(*key, "ENCRYPTED")) {
    fprintf(stderr, "norm serve: --tls-key %s: ikke en ukryptert privat nøkkel i PEM-format "
            "(-----BEGIN PRIVATE KEY-----)\n", key_path);
    return false;
  }
  /* libmicrohttpd would find a key that does not belong to the certificate only at the
  ** first connection: GnuTLS, which serves the TLS, checks the pair now */
  gnutls_x509_crt_t x = NULL;
  gnutls_x509_privkey_t k = NULL;
  gnutls_certificate_credentials_t cred = NULL;
  gnutls_datum_t cd = { (unsigned char *)*cert, (unsigned)strlen(*cert) };
  gnutls_datum_t kd = { (unsigned char *)*key, (unsigned)strlen(*key) };
  bool read_cert = gnutls_x509_crt_init(&x) >= 0 && gnutls_x509_crt_import(x, &cd, GNUTLS_X509_FMT_PEM) >= 0;
  bool read_key = read_cert && gnutls_x509_privkey_init(&k) >= 0 &&
                  gnutls_x509_privkey_import2(k, &kd, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN) >= 0;
  bool pair = read_key && gnutls_certificate_allocate_credentials(&cred) >= 0 &&
              gnutls_certificate_set_x509_key(cred, &x, 1, k) >= 0;
  if (!read_cert) fprintf(stderr, "norm serve: --tls-cert %s: sertifikatet kan ikke leses\n", cert_path);
  else if (!read_key) fprintf(stderr, "norm serve: --tls-key %s: nøkkelen kan ikke leses\n", key_path);
  else if (!pair) fprintf(stderr, "norm serve: --tls-key %s hører ikke til sertifikatet i %s\n", key_path, cert_path);
  if (cred) gnutls_certificate_free_credentials(cred);
  if (k) gnutls_x509_privkey_deinit(k);
  if (x) gnutls_x509_crt_deinit(x);
  if (!pair) return false;
  struct stat st;
  if (stat(key_path, &st) == 0 && (st.st_mode & 077))
    fprintf(stderr, "norm serve: advarsel: --tls-key %s kan leses av andre enn eieren (chmod 600)\n", key_path);
  return true;
}

static bool parse_listen(const char *arg, struct sockaddr_in *sa)
{
  char host[64];
  const char *colon = strrchr(arg, ':');
  if (!colon || (size_t)(colon - arg) >= sizeof host) return false;
  snprintf(host, sizeof host, "%.*s", (int)(colon - arg), arg);
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (*end || port < 0 || port > 65535 || colon[1] == 0) return false;
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_port = htons((uint16_t)port);
  if (!strcmp(host, "localhost")) snprintf(host, sizeof host, "127.0.0.1");
  return inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

int cmd_serve(int argc, char **argv)
{
  static const struct option opts[] = {
    { "listen", required_argument, 0, 'l' }, { "rules", required_argument, 0, 'r' },
    { "tokens", required_argument, 0, 't' }, { "trust", required_argument, 0, 'T' },
    { "jobber", required_argument, 0, 'j' }, { "help", no_argument, 0, 'h' },
    { "audit", required_argument, 0, 'A' }, { "operator", required_argument, 0, 'O' },
    { "tls-cert", required_argument, 0, 'C' }, { "tls-key", required_argument, 0, 'K' }, { 0, 0, 0, 0 },
  };
  const char *listen_at = "127.0.0.1:8080", *tokens = NULL, *audit = NULL, *operator_name = NULL;
  const char *tls_cert = NULL, *tls_key = NULL;
  char *cert_pem = NULL, *key_pem = NULL;
  char rules_buf[PATH_MAX];
  server s;
  memset(&s, 0, sizeof s);
  int threads = 0, c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "j:h", opts, NULL)) != -1) {
    switch (c) {
    case 'l': listen_at = optarg; break;
    case 'r': s.rules_path = optarg; break;
    case 't': tokens = optarg; break;
    case 'T': s.trust = optarg; break;
    case 'A': audit = optarg; break;
    case 'O': operator_name = optarg; break;
    case 'C': tls_cert = optarg; break;
    case 'K': tls_key = optarg; break;
    case 'j': {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*end || n < 1 || n > 64) return cli_usage_error("serve", "%s", "-j/--jobber må være et helt tall fra 1 til 64");
      threads = (int)n;
      break;
    }
    case 'h': fputs(usage_serve, stdout); return EXIT_CLEAN;
    default: return cli_usage_error("serve", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  if (optind < argc) return cli_usage_error("serve", "uventet argument «%s»", argv[optind]);
  if (!threads) {
    /* with --audit a thread mostly waits for the commit, and the more that wait together,
    ** the more records share one fsync: eight per core */
    size_t n = cli_cores() * (audit ? 8 : 1);
    threads = (int)(n < 64 ? n : 64);
  }
  struct sockaddr_in sa;
  if (!parse_listen(listen_at, &sa))
    return cli_usage_error("serve", "--listen må være ADRESSE:PORT med en IPv4-adresse, ikke «%s»", listen_at);
  bool loopback = (ntohl(sa.sin_addr.s_addr) >> 24) == 127;
  if (!loopback && !tokens) {
    fprintf(stderr, "norm serve: %s er tilgjengelig utenfor maskinen; oppgi --tokens FIL så bare "
            "kjente klienter får svar (se docs/drift.md)\n", listen_at);
    return EXIT_USAGE;
  }
  if (!tls_cert != !tls_key)
    return cli_usage_error("serve", "%s", "--tls-cert og --tls-key hører sammen: oppgi begge eller ingen");
  if (tokens && !read_tokens(&s, tokens)) return EXIT_USAGE;
  if (!s.rules_path) s.rules_path = cli_default_rules(rules_buf, sizeof rules_buf);
  int status = EXIT_USAGE;
  if (tls_cert && !read_tls(tls_cert, tls_key, &cert_pem, &key_pem)) goto out;
  if (audit) {
    const char *op = operator_name;
    if (!op || !*op) op = getenv("NORM_OPERATOR");
    if (!op || !*op) op = getenv("USER");
    if (!op || !*op) op = getenv("LOGNAME");
    norm_error err;
    if (!*audit || norm_audit_open(audit, op, &s.audit, &err) != NORM_OK) {
      fprintf(stderr, "norm serve: revisjonsloggen %s: %s\n", audit, *audit ? err.message : "oppgi en filsti");
      goto out;
    }
  } else if (operator_name) {
    cli_usage_error("serve", "%s", "--operator gjelder bare sammen med --audit");
    goto out;
  }
  if (!load_rules(&s, &s.current)) goto out;
  pthread_mutex_init(&s.lock, NULL);
  pthread_mutex_init(&s.draw_lock, NULL);
  pthread_key_create(&s.judge_key, thread_judge_free);
  s.max_inflight = threads * SERVE_MAX_INFLIGHT_PER_THREAD;
  /* signals go to the main thread only, which waits for them below */
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGHUP);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);
  signal(SIGPIPE, SIG_IGN);
  struct MHD_OptionItem tls[] = {
    { MHD_OPTION_HTTPS_MEM_CERT, 0, cert_pem }, { MHD_OPTION_HTTPS_MEM_KEY, 0, key_pem },
    { MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2" },
    { MHD_OPTION_END, 0, NULL },
  };
  struct MHD_OptionItem no_tls[] = { { MHD_OPTION_END, 0, NULL } };
  struct MHD_Daemon *d = MHD_start_daemon(
    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | (cert_pem ? MHD_USE_TLS : 0), 0, NULL, NULL, handle, &s,
    MHD_OPTION_ARRAY, cert_pem ? tls : no_tls,
    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_TIMEOUT_S,
    MHD_OPTION_CONNECTION_LIMIT, (unsigned)(threads * 256),
    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 << 10),
    MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
    MHD_OPTION_END);
  if (!d) {
    if (cert_pem) fprintf(stderr, "norm serve: kan ikke lytte med TLS på %s: sjekk at --tls-cert og --tls-key er et "
                          "sertifikat og nøkkelen som hører til det (PEM)\n", listen_at);
    else fprintf(stderr, "norm serve: kan ikke lytte på %s (%s)\n", listen_at, sys_error(errno));
    goto out_rules;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  char addr[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof addr);
  live *first = acquire(&s);                  /* requests (PUT) may swap it already */
  fprintf(stderr, "norm serve: lytter på %s:%u%s med regelsettet %s (%s), %d tråder\n", addr,
          info ? (unsigned)info->port : (unsigned)ntohs(sa.sin_port), cert_pem ? " (https)" : "",
          norm_rules_name(first->rules), norm_rules_digest(first->rules), threads);
  live_release(first);
  for (;;) {
    int sig = 0;
    if (sigwait(&sigs, &sig)) continue;
    if (sig != SIGHUP) break;
    live *next;
    if (load_rules(&s, &next)) {
      swap_rules(&s, next);
    } else {
      atomic_fetch_add(&s.m.reloads_failed, 1);
      fprintf(stderr, "norm serve: omlastingen mislyktes; det forrige regelsettet brukes fortsatt\n");
    }
  }
  fprintf(stderr, "norm serve: stopper etter forespørslene som er i gang\n");
  MHD_stop_daemon(d);                         /* finishes what is in flight, joins the pool */
  status = EXIT_CLEAN;
out_rules:
  live_release(s.current);
  pthread_key_delete(s.judge_key);
  pthread_mutex_destroy(&s.lock);
  pthread_mutex_destroy(&s.draw_lock);
out:
  free(cert_pem);
  if (key_pem) {
    explicit_bzero(key_pem, strlen(key_pem));
    free(key_pem);
  }
  norm_drawer_free(s.drawer);
  norm_audit_close(s.audit);
  for (size_t i = 0; i < s.tokens.len; i++) free(s.tokens.items[i].token);
  vec_free(&s.tokens);
  return status;
}

/* The executable norm-serve: `norm serve ARGS` runs it as `norm-serve ARGS`. */
int main(int argc, char **argv)
{
  return cmd_serve(argc, argv);
}

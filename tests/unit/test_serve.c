/*
** norm serve over real HTTP (curl against the binary): every route and error status,
** tokens, a reload during traffic and a failing one, and a clean stop on SIGTERM. The
** server picks a free port (--listen 127.0.0.1:0) and says which on stderr.
*/
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define DIR "build/q-serve"

typedef struct {
  pid_t pid;
  int port;
  char log[128];
} served;

/* The server a test started, so that a failing test does not leave it running. */
static pid_t running;

static int kill_running(void **state)
{
  (void)state;
  if (running > 0) {
    kill(running, SIGKILL);
    waitpid(running, NULL, 0);
  }
  running = 0;
  return 0;
}

/* Starts norm serve with the arguments; waits (at most 30 s) until it listens. */
/* Starts norm serve after the shell command `before` (e.g. a ulimit). */
static void start_after(served *s, const char *name, const char *before, const char *args)
{
  free(th_runf(0, "mkdir -p " DIR));
  snprintf(s->log, sizeof s->log, DIR "/%s.log", name);
  unlink(s->log);          /* else a slow start reads the port of the last run's server */
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "%s exec %s serve --listen 127.0.0.1:0 %s 2> %s", before, th_norm(), args, s->log);
  s->pid = fork();
  assert_true(s->pid >= 0);
  if (s->pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  running = s->pid;
  s->port = 0;
  for (int i = 0; i < 300 && !s->port; i++) {
    usleep(100000);
    FILE *f = fopen(s->log, "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
      const char *at = strstr(line, "lytter på 127.0.0.1:");
      if (at) s->port = atoi(at + strlen("lytter på 127.0.0.1:"));
    }
    if (f) fclose(f);
  }
  if (!s->port) fail_msg("norm serve startet ikke: %s", th_slurp(s->log));
}

static void start(served *s, const char *name, const char *args) { start_after(s, name, "", args); }

/* Stops it with SIGTERM; it must exit 0. */
static void stop(served *s)
{
  kill(s->pid, SIGTERM);
  int st = 0;
  assert_int_equal(waitpid(s->pid, &st, 0), s->pid);
  running = 0;
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 0);
}

/* curl with the status code last: "… 200". */
#define CURL "curl -s -S --max-time 60 -w ' %%{http_code}'"

static void test_routes_and_errors(void **state)
{
  (void)state;
  served s;
  start(&s, "ruter", "--rules rules -j 2");
  char *out = th_runf(0, CURL " -D - -X POST --data-binary @examples/saksmappe-eksempel.json http://127.0.0.1:%d/v1/vurdering", s.port);
  assert_non_null(strstr(out, "X-Norm-Regelsett: "));
  assert_non_null(strstr(out, "\"format\":\"norm-resultat/1\",\"sak_id\":\"2024-0193\""));
  assert_non_null(strstr(out, "}\n 200"));
  free(out);
  /* the same bytes as norm check */
  char *served_json = th_runf(0, "curl -s -X POST --data-binary @examples/saksmappe-eksempel.json 'http://127.0.0.1:%d/v1/vurdering?dato=2024-09-01'", s.port);
  char *cli_json = th_runf(1, "%s check --format json --dato 2024-09-01 --rules rules examples/saksmappe-eksempel.json", th_norm());
  assert_string_equal(served_json, cli_json);
  free(served_json);
  free(cli_json);
  out = th_runf(0, CURL " -X POST --data-binary @examples/saksmappe-eksempel.json 'http://127.0.0.1:%d/v1/vurdering?format=kompakt'", s.port);
  assert_non_null(strstr(out, "norm-kompakt/1"));
  free(out);
  /* NDJSON in, NDJSON out: the corpus gives the bytes norm check gives; a line that is not a
  ** case gives an error line naming it, and the others are still judged */
  served_json = th_runf(0, "for f in examples/saker/*.json; do tr -d '\\n' < $f; echo; done > " DIR "/korpus.ndjson && "
                        "curl -s -X POST --data-binary @" DIR "/korpus.ndjson 'http://127.0.0.1:%d/v1/vurderinger?dato=2024-09-01'", s.port);
  cli_json = th_runf(1, "%s check --format json --dato 2024-09-01 --rules rules " DIR "/korpus.ndjson", th_norm());
  assert_string_equal(served_json, cli_json);
  assert_true(strlen(served_json) > 47 * 1000);
  free(served_json);
  free(cli_json);
  out = th_runf(0, "printf '%%s\\n\\n{\"format\":\\n' \"$(tr -d '\\n' < examples/saksmappe-eksempel.json)\" | "
                CURL " -X POST --data-binary @- 'http://127.0.0.1:%d/v1/vurderinger?format=kompakt'", s.port);
  assert_non_null(strstr(out, "{\"format\":\"norm-kompakt/1\",\"sak_id\":\"2024-0193\""));
  assert_non_null(strstr(out, "{\"linje\":3,\"feil\":{\"kode\":\"ugyldig_json\""));
  assert_non_null(strstr(out, " 200"));
  free(out);
  out = th_runf(0, CURL " http://127.0.0.1:%d/helse", s.port);
  assert_non_null(strstr(out, "\"status\":\"ok\""));
  assert_non_null(strstr(out, " 200"));
  free(out);
  out = th_runf(0, CURL " http://127.0.0.1:%d/v1/regelsett", s.port);
  assert_non_null(strstr(out, "\"navn\":\"bufdir-hjelpetiltak\""));
  assert_non_null(strstr(out, "{\"id\":\"OMS-PLAN\",\"retningslinje\":\"OMS\",\"styrke\":\"krav\""));
  free(out);
  out = th_runf(0, CURL " http://127.0.0.1:%d/finnes/ikke", s.port);
  assert_non_null(strstr(out, "\"kode\":\"finnes_ikke\""));
  assert_non_null(strstr(out, " 404"));
  free(out);
  out = th_runf(0, CURL " -D - http://127.0.0.1:%d/v1/vurdering", s.port);
  assert_non_null(strstr(out, "Allow: POST"));
  assert_non_null(strstr(out, " 405"));
  free(out);
  out = th_runf(0, CURL " -X DELETE http://127.0.0.1:%d/helse", s.port);
  assert_non_null(strstr(out, " 405"));
  free(out);
  out = th_runf(0, CURL " -X PUT --data-binary @examples/saksmappe-eksempel.json http://127.0.0.1:%d/v1/regelsett", s.port);
  assert_non_null(strstr(out, "krever at tjenesten kjører med --tokens"));
  assert_non_null(strstr(out, " 403"));
  free(out);
  out = th_runf(0, CURL " -X POST --data '{\"format\": [' http://127.0.0.1:%d/v1/vurdering", s.port);
  assert_non_null(strstr(out, "\"kode\":\"ugyldig_json\",\"melding\":\"kolonne"));
  assert_non_null(strstr(out, " 400"));
  free(out);
  out = th_runf(0, CURL " -X POST --data '{\"format\":\"saksmappe/1\",\"sak_id\":\"S\",\"barn\":{\"fodselsdato\":\"i går\"}}' "
                "http://127.0.0.1:%d/v1/vurdering", s.port);
  assert_non_null(strstr(out, "\"kode\":\"ugyldig_sak\""));
  assert_non_null(strstr(out, "\"sti\":\"barn.fodselsdato\""));
  assert_non_null(strstr(out, " 422"));
  free(out);
  out = th_runf(0, CURL " -X POST --data-binary @examples/saksmappe-eksempel.json 'http://127.0.0.1:%d/v1/vurdering?dato=1.10.2024'", s.port);
  assert_non_null(strstr(out, "\"melding\":\"«1.10.2024» er ikke en gyldig dato (ÅÅÅÅ-MM-DD)\",\"sti\":\"dato\""));
  assert_non_null(strstr(out, " 400"));
  free(out);
  /* a body over the limit for one case */
  out = th_runf(0, "head -c 17000000 /dev/zero | tr '\\0' ' ' > " DIR "/stor.json && "
                CURL " -X POST --data-binary @" DIR "/stor.json http://127.0.0.1:%d/v1/vurdering", s.port);
  assert_non_null(strstr(out, "\"kode\":\"for_stor\""));
  assert_non_null(strstr(out, " 413"));
  free(out);
  out = th_runf(0, CURL " http://127.0.0.1:%d/metrikker", s.port);
  assert_non_null(strstr(out, "norm_foresporsler_total{rute=\"/v1/vurdering\",status=\"200\"} 3"));
  assert_non_null(strstr(out, "norm_foresporsler_total{rute=\"/v1/vurdering\",status=\"422\"} 1"));
  assert_non_null(strstr(out, "norm_vurdering_sekunder_count "));
  assert_non_null(strstr(out, "norm_regelsett_info{sha256=\""));
  free(out);
  stop(&s);
}

static void test_tokens(void **state)
{
  (void)state;
  free(th_runf(0, "mkdir -p " DIR " && printf '# klienter\\nvurdering fagsystem-0123456789abcdef\\nadmin drift-0123456789abcdef\\n' > " DIR "/tokens"));
  served s;
  start(&s, "tokens", "--rules rules --tokens " DIR "/tokens");
  char *out = th_runf(0, CURL " http://127.0.0.1:%d/v1/regelsett", s.port);
  assert_non_null(strstr(out, " 401"));
  free(out);
  out = th_runf(0, CURL " -H 'Authorization: Bearer fagsystem-0123456789abcdeX' http://127.0.0.1:%d/v1/regelsett", s.port);
  assert_non_null(strstr(out, " 401"));
  free(out);
  out = th_runf(0, CURL " -H 'Authorization: Bearer fagsystem-0123456789abcdef' -X POST --data-binary @examples/saksmappe-eksempel.json "
                "http://127.0.0.1:%d/v1/vurdering", s.port);
  assert_non_null(strstr(out, " 200"));
  free(out);
  /* the page: a browser asks its user, and sends the token as the password (HTTP Basic) */
  out = th_runf(0, CURL " -D - http://127.0.0.1:%d/", s.port);
  assert_non_null(strstr(out, "WWW-Authenticate: Basic realm=\"norm\""));
  assert_non_null(strstr(out, " 401"));
  free(out);
  out = th_runf(0, CURL " -u saksbehandler:fagsystem-0123456789abcdeX http://127.0.0.1:%d/", s.port);
  assert_non_null(strstr(out, " 401"));
  free(out);
  out = th_runf(0, CURL " -u saksbehandler:fagsystem-0123456789abcdef http://127.0.0.1:%d/", s.port);
  assert_non_null(strstr(out, "<label for=\"sak\">"));
  assert_non_null(strstr(out, " 200"));
  free(out);
  out = th_runf(0, CURL " http://127.0.0.1:%d/helse", s.port);      /* liveness needs no token */
  assert_non_null(strstr(out, " 200"));
  free(out);
  /* a new rule set over HTTP: only with an admin token; a broken one changes nothing */
  free(th_runf(0, "%s compile rules/oms.norm -o " DIR "/oms.normc 2>&1", th_norm()));
  out = th_runf(0, CURL " -X PUT -H 'Authorization: Bearer fagsystem-0123456789abcdef' --data-binary @" DIR "/oms.normc "
                "http://127.0.0.1:%d/v1/regelsett", s.port);
  assert_non_null(strstr(out, "krever en admin-token"));
  assert_non_null(strstr(out, " 403"));
  free(out);
  out = th_runf(0, CURL " -X PUT -H 'Authorization: Bearer drift-0123456789abcdef' --data-binary 'ikke et regelsett' "
                "http://127.0.0.1:%d/v1/regelsett", s.port);
  assert_non_null(strstr(out, "\"kode\":\"regelsett\""));
  assert_non_null(strstr(out, " 422"));
  free(out);
  char *before = th_runf(0, "curl -s http://127.0.0.1:%d/helse", s.port);
  out = th_runf(0, CURL " -X PUT -H 'Authorization: Bearer drift-0123456789abcdef' --data-binary @" DIR "/oms.normc "
                "http://127.0.0.1:%d/v1/regelsett", s.port);
  assert_non_null(strstr(out, "\"forrige\":\""));
  assert_non_null(strstr(out, " 200"));
  free(out);
  char *after = th_runf(0, "curl -s http://127.0.0.1:%d/helse", s.port);
  assert_string_not_equal(before, after);
  free(before);
  free(after);
  stop(&s);
  /* outside the machine only with tokens; a token file must make sense */
  out = th_runf(2, "%s serve --listen 0.0.0.0:0 --rules rules", th_norm());
  assert_non_null(strstr(out, "oppgi --tokens FIL"));
  free(out);
  out = th_runf(2, "printf 'leser kort\\n' > " DIR "/tokens2 && %s serve --rules rules --tokens " DIR "/tokens2", th_norm());
  assert_non_null(strstr(out, "tokens2:1: en linje er «ROLLE TOKEN»"));
  free(out);
  out = th_runf(2, "%s serve --listen 127.0.0.1 --rules rules", th_norm());
  assert_non_null(strstr(out, "--listen må være ADRESSE:PORT"));
  free(out);
}

/* Every rule set a decision was made by is in the audit log, once, so the decisions can be
** replayed years later: the one the server started with, and one swapped in over HTTP. (A
** log written to by several commits stores each rule set in the first of them only.) */
static void test_audit_keeps_every_rule_set(void **state)
{
  (void)state;
  free(th_runf(0, "mkdir -p " DIR " && rm -f " DIR "/sett.db* && printf 'admin drift-0123456789abcdef\\n' > " DIR "/sett.tokens"));
  free(th_runf(0, "%s compile rules/oms.norm rules/opp.norm rules/tk.norm -o " DIR "/alle.normc 2>&1 && "
               "%s compile rules/oms.norm -o " DIR "/oms.normc 2>&1", th_norm(), th_norm()));
  served s;
  start(&s, "sett", "--rules " DIR "/alle.normc -j 2 --audit " DIR "/sett.db --operator test --tokens " DIR "/sett.tokens");
#define POST_CASE CURL " -H 'Authorization: Bearer drift-0123456789abcdef' -X POST --data-binary @examples/saksmappe-eksempel.json " \
                  "http://127.0.0.1:%d/v1/vurdering"
  for (int i = 0; i < 3; i++) free(th_runf(0, POST_CASE, s.port));
  char *out = th_runf(0, CURL " -X PUT -H 'Authorization: Bearer drift-0123456789abcdef' --data-binary @" DIR "/oms.normc "
                      "http://127.0.0.1:%d/v1/regelsett", s.port);
  assert_non_null(strstr(out, " 200"));
  free(out);
  for (int i = 0; i < 3; i++) free(th_runf(0, POST_CASE, s.port));
#undef POST_CASE
  stop(&s);
  out = th_runf(0, "sqlite3 " DIR "/sett.db 'SELECT count(*) FROM regelsett; SELECT count(DISTINCT regelsett_sha256) FROM vurdering'");
  assert_string_equal(out, "2\n2\n");
  free(out);
  out = th_runf(0, "%s audit replay " DIR "/sett.db --alle --case examples/saksmappe-eksempel.json", th_norm());
  assert_non_null(strstr(out, "6 poster etterprøvd: 6 identiske"));
  free(out);
}

/* Memory that runs out while a request is answered costs that request only: a case with 600
** measures (thousands of findings) under address-space limits is answered 503 or judged,
** and the server goes on judging the next case. (It used to stop: issue 14.) The limits
** start where the large case is refused and the small one still judged (measured: 45–60 MB
** since its 2.5 MB report goes to libmicrohttpd without being copied; 40 MB is too little
** for the small one too). */
static void test_out_of_memory_costs_one_request(void **state)
{
  (void)state;
#if defined(UNDER_ASAN) || defined(__SANITIZE_THREAD__)
  skip();                                     /* ulimit -v and the sanitizers' shadow memory do not mix */
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
  skip();
#endif
#endif
  free(th_runf(0, "mkdir -p " DIR));
  FILE *f = fopen(DIR "/mange.json", "w");
  assert_non_null(f);
  fputs("{\"format\":\"saksmappe/1\",\"sak_id\":\"MINNE\",\"vurderingsdato\":\"2024-10-01\","
        "\"barn\":{\"fodselsdato\":\"2022-03-01\"},\"tiltak\":[", f);
  for (int k = 0; k < 600; k++)
    fprintf(f, "%s{\"id\":\"T%d\",\"type\":\"omsorgsendrende\",\"start\":\"2024-01-15\",\"samtykker\":[]}", k ? "," : "", k);
  fputs("]}\n", f);
  fclose(f);
  int refused = 0;
  for (int mb = 50; mb <= 130; mb += 20) {
    char before[64];
    snprintf(before, sizeof before, "ulimit -v %d;", mb * 1024);
    served s;
    start_after(&s, "minne", before, "--rules rules -j 1");
    char *big = th_runf(0, CURL " -X POST --data-binary @" DIR "/mange.json http://127.0.0.1:%d/v1/vurdering", s.port);
    bool no = strstr(big, " 503") != NULL;
    if (!no && !strstr(big, " 200")) fail_msg("%d MB: %s", mb, big);
    if (no) assert_non_null(strstr(big, "\"kode\":\"minne\""));
    refused += no;
    free(big);
    char *small = th_runf(0, CURL " -X POST --data-binary @examples/saksmappe-eksempel.json http://127.0.0.1:%d/v1/vurdering", s.port);
    if (!strstr(small, " 200")) fail_msg("%d MB: the next case after the large one: %s", mb, small);
    free(small);
    stop(&s);
  }
  assert_true(refused > 0);
}

/* SIGHUP swaps the rule set while cases are judged: every answer is 200 and names one of
** the two digests; a reload that fails keeps the old rule set serving. */
static void test_reload_during_traffic(void **state)
{
  (void)state;
  char *out = th_runf(0, "mkdir -p " DIR " && %s compile rules -o " DIR "/a.normc 2>&1 && "
                      "%s compile rules/oms.norm -o " DIR "/b.normc 2>&1 && cp " DIR "/a.normc " DIR "/i-bruk.normc",
                      th_norm(), th_norm());
  free(out);
  served s;
  start(&s, "omlasting", "--rules " DIR "/i-bruk.normc -j 2");
  char *a = th_runf(0, "curl -s http://127.0.0.1:%d/helse", s.port);
  /* 300 requests from two clients while the rule set is swapped five times */
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "for k in 1 2; do (for i in $(seq 150); do curl -s -o /dev/null -D - -X POST --data-binary @examples/saksmappe-eksempel.json "
           "http://127.0.0.1:%d/v1/vurdering | grep -E '^(HTTP|X-Norm)' | tr -d '\\r'; done > " DIR "/trafikk$k.txt) & done; "
           "for r in 1 2 3 4 5; do sleep 0.2; if [ $((r %% 2)) = 1 ]; then cp " DIR "/b.normc " DIR "/ny.normc; "
           "else cp " DIR "/a.normc " DIR "/ny.normc; fi; mv " DIR "/ny.normc " DIR "/i-bruk.normc; kill -HUP %d; "
           /* the next swap waits until this one is done: signals sent while one is handled merge */
           "n=0; until curl -s http://127.0.0.1:%d/metrikker | grep -q \"resultat=\\\"ok\\\"} $r$\" || [ $n -ge 600 ]; do "
           "sleep 0.05; n=$((n+1)); done; done; wait; "
           "cat " DIR "/trafikk1.txt " DIR "/trafikk2.txt | sort | uniq -c", s.port, (int)s.pid, s.port);
  out = th_runf(0, "%s", cmd);
  /* only 200s, and only the two rule sets' digests */
  assert_null(strstr(out, "HTTP/1.1 4"));
  assert_null(strstr(out, "HTTP/1.1 5"));
  assert_non_null(strstr(out, "300 HTTP/1.1 200 OK"));
  size_t digests = 0;
  for (const char *p = out; (p = strstr(p, "X-Norm-Regelsett: ")); p++) digests++;
  assert_true(digests >= 1 && digests <= 2);
  free(out);
  char *b = th_runf(0, "curl -s http://127.0.0.1:%d/helse", s.port);
  assert_string_not_equal(a, b);                          /* b.normc after five swaps */
  /* a broken rule set: the old one keeps serving, and the failure is counted */
  free(th_runf(0, "printf 'ikke et regelsett' > " DIR "/i-bruk.normc && kill -HUP %d && n=0 && "
               "until curl -s http://127.0.0.1:%d/metrikker | grep -q 'resultat=\"feil\"} 1$' || [ $n -ge 600 ]; do "
               "sleep 0.05; n=$((n+1)); done", (int)s.pid, s.port));
  char *c = th_runf(0, "curl -s http://127.0.0.1:%d/helse", s.port);
  assert_string_equal(b, c);
  out = th_runf(0, "curl -s http://127.0.0.1:%d/metrikker", s.port);
  assert_non_null(strstr(out, "norm_omlastinger_total{resultat=\"ok\"} 5"));
  assert_non_null(strstr(out, "norm_omlastinger_total{resultat=\"feil\"} 1"));
  free(out);
  stop(&s);
  out = th_slurp(s.log);
  assert_non_null(strstr(out, "omlastingen mislyktes; det forrige regelsettet brukes fortsatt"));
  free(out);
  free(a);
  free(b);
  free(c);
}

/* With --audit, a decision is answered only after its record is committed: clients judging
** concurrently, the server killed with SIGKILL mid-load, and every answer they got (200,
** with its record's number) is in a log whose chain verifies. */
static void test_audit_every_answer_survives_kill_9(void **state)
{
  (void)state;
  free(th_runf(0, "mkdir -p " DIR " && rm -f " DIR "/drept.db* " DIR "/svar*.txt"));
  served s;
  start(&s, "drept", "--rules rules -j 2 --audit " DIR "/drept.db --operator test");
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "for k in 1 2 3 4; do (for i in $(seq 400); do curl -s -o /dev/null -D - -X POST "
           "--data-binary @$(ls examples/saker/0$k-*.json) http://127.0.0.1:%d/v1/vurdering 2>/dev/null | "
           "tr -d '\r' | grep '^X-Norm-Revisjon: '; done > " DIR "/svar$k.txt) & done; "
           "sleep 2; kill -9 %d; wait; cat " DIR "/svar*.txt | wc -l", s.port, (int)s.pid);
  char *out = th_runf(0, "%s", cmd);
  int answered = atoi(out);
  free(out);
  waitpid(s.pid, NULL, 0);
  running = 0;
  assert_true(answered > 0);
  /* the records are 1…n: every number a client got must be at most n */
  out = th_runf(0, "%s audit verify " DIR "/drept.db && sqlite3 " DIR "/drept.db 'SELECT max(seq) FROM vurdering' && "
                "cat " DIR "/svar*.txt | sed 's/X-Norm-Revisjon: //' | sort -n | tail -1", th_norm());
  assert_non_null(strstr(out, "kjeden er hel"));
  const char *line2 = strchr(out, '\n');
  assert_non_null(line2);
  const char *line3 = strchr(line2 + 1, '\n');
  assert_non_null(line3);
  long long n = atoll(line2 + 1), top = atoll(line3 + 1);
  assert_true(n >= answered);
  assert_true(top <= n);
  free(out);
}

/* The page at /: the form, and the case from it judged into the same report as norm check
** --format html, byte for byte; a case that cannot be judged brings the form back with the
** reason and the text kept; a form posted from another site is refused. */
static void test_page(void **state)
{
  (void)state;
  free(th_runf(0, "mkdir -p " DIR " && rm -f " DIR "/side.db*"));
  served s;
  start(&s, "side", "--rules rules -j 2 --audit " DIR "/side.db --operator test");
  char *out = th_runf(0, CURL " -D - http://127.0.0.1:%d/", s.port);
  assert_non_null(strstr(out, "Content-Type: text/html; charset=utf-8"));
  assert_non_null(strstr(out, "Content-Security-Policy: default-src 'none'"));
  assert_non_null(strstr(out, "<form method=\"post\" action=\"/\" enctype=\"multipart/form-data\">"));
  assert_non_null(strstr(out, "<label for=\"sak\">"));
  assert_non_null(strstr(out, "<label for=\"fil\">"));
  assert_non_null(strstr(out, "skrives i revisjonsloggen"));
  assert_non_null(strstr(out, " 200"));
  free(out);
  /* an uploaded file: the report norm check writes */
  char *page = th_runf(0, "curl -s -F fil=@examples/saksmappe-eksempel.json -F dato=2024-09-01 http://127.0.0.1:%d/", s.port);
  char *cli = th_runf(1, "%s check --rules rules --format html --dato 2024-09-01 examples/saksmappe-eksempel.json", th_norm());
  assert_string_equal(page, cli);
  free(page);
  free(cli);
  /* pasted text (url-encoded), with the audit record's number in the answer */
  out = th_runf(0, CURL " -D - --data-urlencode sak@examples/saksmappe-eksempel.json http://127.0.0.1:%d/", s.port);
  assert_non_null(strstr(out, "<h2>Sak 2024-0193</h2>"));
  assert_non_null(strstr(out, "X-Norm-Revisjon: 2"));
  assert_non_null(strstr(out, " 200"));
  free(out);
  out = th_runf(0, CURL " --data-urlencode 'sak={\"format\": [' http://127.0.0.1:%d/", s.port);
  assert_non_null(strstr(out, "<div class=\"feil\" role=\"alert\">"));
  assert_non_null(strstr(out, "ugyldig JSON"));
  assert_non_null(strstr(out, ">{&quot;format&quot;: [</textarea>"));       /* the text is kept */
  assert_non_null(strstr(out, " 400"));
  free(out);
  out = th_runf(0, CURL " --data-urlencode 'sak={\"format\":\"saksmappe/1\",\"sak_id\":\"S\",\"barn\":{\"fodselsdato\":\"i går\"}}' "
                "http://127.0.0.1:%d/", s.port);
  assert_non_null(strstr(out, "Hvor i saksmappen: <code>barn.fodselsdato</code>"));
  assert_non_null(strstr(out, " 422"));
  free(out);
  out = th_runf(0, CURL " --data-urlencode 'sak=  ' http://127.0.0.1:%d/", s.port);
  assert_non_null(strstr(out, "lim inn en saksmappe eller velg en fil"));
  assert_non_null(strstr(out, " 400"));
  free(out);
  out = th_runf(0, CURL " -F fil=@examples/saksmappe-eksempel.json -F dato=1.9.2024 http://127.0.0.1:%d/", s.port);
  assert_non_null(strstr(out, "ÅÅÅÅ-MM-DD"));
  assert_non_null(strstr(out, "value=\"1.9.2024\""));
  assert_non_null(strstr(out, " 400"));
  free(out);
  /* another site's form, in a browser the user has open, cannot judge in the user's name */
  out = th_runf(0, CURL " -H 'Origin: https://annen.example' --data-urlencode sak@examples/saksmappe-eksempel.json "
                "http://127.0.0.1:%d/", s.port);
  assert_non_null(strstr(out, "fra en annen side"));
  assert_non_null(strstr(out, " 403"));
  free(out);
  out = th_runf(0, CURL " -H 'Sec-Fetch-Site: cross-site' --data-urlencode sak@examples/saksmappe-eksempel.json "
                "http://127.0.0.1:%d/", s.port);
  assert_non_null(strstr(out, " 403"));
  free(out);
  out = th_runf(0, CURL " -D - -X DELETE http://127.0.0.1:%d/", s.port);
  assert_non_null(strstr(out, "Allow: GET, HEAD, POST"));
  assert_non_null(strstr(out, " 405"));
  free(out);
  /* the HTML report from the API too */
  page = th_runf(0, "curl -s --data-binary @examples/saksmappe-eksempel.json 'http://127.0.0.1:%d/v1/vurdering?format=html&dato=2024-09-01'", s.port);
  cli = th_runf(1, "%s check --rules rules --format html --dato 2024-09-01 examples/saksmappe-eksempel.json", th_norm());
  assert_string_equal(page, cli);
  free(page);
  free(cli);
  out = th_runf(0, CURL " http://127.0.0.1:%d/metrikker", s.port);
  assert_non_null(strstr(out, "norm_foresporsler_total{rute=\"/\",status=\"200\"} 3"));
  free(out);
  stop(&s);
  out = th_runf(0, "%s audit verify " DIR "/side.db", th_norm());
  assert_non_null(strstr(out, "kjeden er hel"));
  free(out);
}

/* Graphviz is loaded the first time a report is drawn, not at start: a server that answers
** JSON never loads it, and where it cannot be loaded (an empty libgvc.so.6 first on the
** library path stands in for a machine without the package), JSON, kompakt and text are
** still answered and an HTML report gets 500 (tegning) saying what is missing. */
static void test_graphviz_only_when_drawing(void **state)
{
  (void)state;
  free(th_runf(0, "mkdir -p " DIR "/uten-graphviz && : > " DIR "/uten-graphviz/libgvc.so.6"));
  served s;
  start_after(&s, "gv-lastes", "LD_DEBUG=files", "--rules rules");
  char *out = th_runf(0, CURL " --data-binary @examples/saksmappe-eksempel.json http://127.0.0.1:%d/v1/vurdering", s.port);
  assert_non_null(strstr(out, "\"sak_id\":\"2024-0193\""));
  free(out);
  out = th_runf(0, CURL " --data-binary @examples/saksmappe-eksempel.json 'http://127.0.0.1:%d/v1/vurdering?format=tekst'", s.port);
  assert_non_null(strstr(out, " 200"));
  char *text = th_runf(0, CURL " --data-binary @examples/saksmappe-eksempel.json 'http://127.0.0.1:%d/v1/vurdering?format=text'", s.port);
  assert_string_equal(out, text);                            /* as norm check names it */
  free(text);
  free(out);
  char *log = th_slurp(s.log);
  if (!strstr(log, "file=libc.so")) fail_msg("LD_DEBUG=files sa ikke hvilke biblioteker som ble lastet:\n%.400s", log);
  if (strstr(log, "file=libgvc.so")) fail_msg("Graphviz ble lastet uten at noe ble tegnet");
  free(log);
  out = th_runf(0, CURL " --data-binary @examples/saksmappe-eksempel.json 'http://127.0.0.1:%d/v1/vurdering?format=html'", s.port);
  assert_non_null(strstr(out, "<svg"));
  free(out);
  log = th_slurp(s.log);
  if (!strstr(log, "file=libgvc.so")) fail_msg("Graphviz ble ikke lastet for HTML-rapporten");
  free(log);
  stop(&s);

  start_after(&s, "uten-graphviz", "LD_LIBRARY_PATH=" DIR "/uten-graphviz", "--rules rules");
  out = th_runf(0, CURL " --data-binary @examples/saksmappe-eksempel.json http://127.0.0.1:%d/v1/vurdering", s.port);
  assert_non_null(strstr(out, "\"sak_id\":\"2024-0193\""));
  assert_non_null(strstr(out, " 200"));
  free(out);
  out = th_runf(0, CURL " --data-binary @examples/saksmappe-eksempel.json 'http://127.0.0.1:%d/v1/vurdering?format=html'", s.port);
  assert_non_null(strstr(out, "\"kode\":\"tegning\""));
  assert_non_null(strstr(out, "Graphviz"));
  assert_non_null(strstr(out, " 500"));
  free(out);
  out = th_runf(0, CURL " http://127.0.0.1:%d/", s.port);      /* the form itself draws nothing */
  assert_non_null(strstr(out, " 200"));
  free(out);
  out = th_runf(0, CURL " -F fil=@examples/saksmappe-eksempel.json http://127.0.0.1:%d/", s.port);
  assert_non_null(strstr(out, "<div class=\"feil\" role=\"alert\">"));
  assert_non_null(strstr(out, "Graphviz"));
  assert_non_null(strstr(out, " 500"));
  free(out);
  out = th_runf(0, CURL " --data-binary @examples/saksmappe-eksempel.json 'http://127.0.0.1:%d/v1/vurdering?format=kompakt'", s.port);
  assert_non_null(strstr(out, " 200"));                            /* and it still judges */
  free(out);
  out = th_runf(0, CURL " http://127.0.0.1:%d/metrikker", s.port);
  assert_non_null(strstr(out, "norm_foresporsler_total{rute=\"/v1/vurdering\",status=\"500\"} 1"));
  free(out);
  stop(&s);
}

/* The page as a person uses it: headless Chromium opens /, the case is typed into the field
** and the button pressed with the keyboard, and the report it shows names every rule the
** case was judged by. The screenshots of the form and the report stay in build/q-serve/. */
static void test_page_in_a_real_browser(void **state)
{
  (void)state;
  if (!th_chromium()) skip();
  char *out;
  free(th_runf(0, "mkdir -p " DIR " && rm -rf " DIR "/profil " DIR "/side-dom.html " DIR "/side*.png"));
  served s;
  start(&s, "nettleser", "--rules rules -j 2");
  out = th_runf(0, "timeout 200 python3 tests/browser/page.py chromium http://127.0.0.1:%d/ examples/saksmappe-eksempel.json "
                DIR "/side-dom.html " DIR "/side.png " DIR "/profil 2>&1", s.port);
  free(out);
  stop(&s);
  char *dom = th_slurp(DIR "/side-dom.html");
  assert_non_null(strstr(dom, "<h1>Vurdering etter Bufdirs faglige retningslinjer</h1>"));
  assert_non_null(strstr(dom, "<h2>Sak 2024-0193</h2>"));
  char *json = th_runf(1, "%s check --rules rules --format json examples/saksmappe-eksempel.json", th_norm());
  size_t failing = 0;
  for (const char *p = strstr(json, "\"regel\":\""); p; p = strstr(p + 1, "\"regel\":\"")) {
    char id[64], status[32] = "";
    assert_int_equal(sscanf(p + 9, "%63[^\"]", id), 1);
    const char *st = strstr(p, "\"status\":\"");
    if (st) sscanf(st + 10, "%31[^\"]", status);
    if (!strstr(dom, id)) fail_msg("the report in the browser does not show %s", id);
    failing += !strcmp(status, "brudd") || !strcmp(status, "avvik") || !strcmp(status, "ukjent");
  }
  assert_true(failing >= 8);
  free(json);
  free(dom);
  free(th_runf(0, "test -s " DIR "/side.png && test -s " DIR "/side-skjema.png"));
}

/* HTTPS with --tls-cert/--tls-key (a certificate made here with openssl): the API answers
** over TLS 1.2 or later and not in plain HTTP; a key that is not the certificate's is
** refused before the server starts. */
static void test_tls(void **state)
{
  (void)state;
  free(th_runf(0, "mkdir -p " DIR " && cd " DIR " && rm -f tls-*.pem && "
               "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls-nokkel.pem -out tls-sert.pem "
               "-days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>&1 && "
               "openssl genpkey -algorithm ed25519 -out tls-annen.pem 2>&1 && chmod 600 tls-*.pem"));
  served s;
  start(&s, "tls", "--rules rules --tls-cert " DIR "/tls-sert.pem --tls-key " DIR "/tls-nokkel.pem");
  char *out = th_slurp(s.log);
  assert_non_null(strstr(out, "(https)"));
  free(out);
  out = th_runf(0, CURL " --cacert " DIR "/tls-sert.pem -X POST --data-binary @examples/saksmappe-eksempel.json "
                      "https://127.0.0.1:%d/v1/vurdering", s.port);
  assert_non_null(strstr(out, "\"sak_id\":\"2024-0193\""));
  assert_non_null(strstr(out, " 200"));
  free(out);
  out = th_runf(0, "curl -s --max-time 20 --tls-max 1.1 --cacert " DIR "/tls-sert.pem https://127.0.0.1:%d/helse; echo \" rc=$?\"", s.port);
  assert_null(strstr(out, "\"status\":\"ok\""));
  free(out);
  out = th_runf(0, "curl -s --max-time 20 http://127.0.0.1:%d/helse; echo \" rc=$?\"", s.port);
  assert_null(strstr(out, "\"status\":\"ok\""));
  free(out);
  stop(&s);
  out = th_runf(2, "%s serve --listen 127.0.0.1:0 --rules rules --tls-cert " DIR "/tls-sert.pem --tls-key " DIR "/tls-annen.pem", th_norm());
  assert_non_null(strstr(out, "tls-annen.pem hører ikke til sertifikatet"));
  free(out);
  out = th_runf(2, "%s serve --listen 127.0.0.1:0 --rules rules --tls-cert " DIR "/tls-sert.pem", th_norm());
  assert_non_null(strstr(out, "oppgi begge eller ingen"));
  free(out);
}

int th_serve_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown(test_routes_and_errors, kill_running),
    cmocka_unit_test_teardown(test_tokens, kill_running),
    cmocka_unit_test_teardown(test_reload_during_traffic, kill_running),
    cmocka_unit_test_teardown(test_audit_every_answer_survives_kill_9, kill_running),
    cmocka_unit_test_teardown(test_audit_keeps_every_rule_set, kill_running),
    cmocka_unit_test_teardown(test_out_of_memory_costs_one_request, kill_running),
    cmocka_unit_test_teardown(test_page, kill_running),
    cmocka_unit_test_teardown(test_graphviz_only_when_drawing, kill_running),
    cmocka_unit_test_teardown(test_tls, kill_running),
    cmocka_unit_test_teardown(test_page_in_a_real_browser, kill_running),
  };
  return cmocka_run_group_tests_name("norm serve", tests, NULL, NULL);
}

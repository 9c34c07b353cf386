/*
** `norm audit replay FILE.db (SEQ | --alle) [--case STI]`: re-evaluates recorded cases with
** the rule set and date stored in their records and says whether each result is
** byte-identical, showing the findings that differ when it is not.
*/
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "date.h"
#include "norm.h"
#include "sign.h"
#include "version.h"

typedef struct { char digest[65]; char *name, *text; size_t len; } given_case;

typedef struct {
  norm_audit_log *db;
  VEC(given_case) given;
  bool has_given;
  norm_rules *rules;         /* the rule set of the record replayed last, from the log */
  norm_judge *judge;
  size_t same, differ, failed;
  size_t refused;            /* records after a break in the chain, not replayed */
  int64_t broken_from;       /* the first record that cannot be trusted, or 0 */
  const char *trust;         /* --trust: only rule sets signed by the key in this file are used */
} replayer;

static void collect_given(void *ctx, const char *name, const char *text, size_t len)
{
  replayer *rp = ctx;
  given_case g;
  if (!norm_case_digest(text, len, g.digest)) {
    fprintf(stderr, "norm audit replay: %s: er ikke JSON, og kan ikke være en vurdert sak\n", name);
    return;
  }
  g.name = xstrdup(name);
  g.text = xstrndup(text, len);
  g.len = len;
  vec_push(&rp->given, g);
}

/* The record's rule set, from its .normc bytes in the log, loaded through the library as
** norm check loaded it; it must have the digest the record names (and with --trust, the key). */
static bool load_ruleset(replayer *rp, const norm_audit_entry *r)
{
  if (rp->judge && !strcmp(norm_rules_digest(rp->rules), r->rules_digest)) return true;
  norm_judge_free(rp->judge);
  norm_rules_free(rp->rules);
  rp->judge = NULL;
  rp->rules = NULL;
  buf normc;
  buf_init(&normc);
  norm_rules *rules = NULL;
  norm_error err;
  bool ok = false;
  bool found;
  if (norm_audit_log_rules(rp->db, r->rules_digest, &normc, &found, &err) != NORM_OK)
    printf("post %lld: regelsettet %s kan ikke leses: %s\n", (long long)r->seq, r->rules_digest, err.message);
  else if (!found)
    printf("post %lld: regelsettet %s er ikke lagret i revisjonsloggen\n", (long long)r->seq, r->rules_digest);
  else if (norm_rules_load_normc(normc.data ? normc.data : "", normc.len, &rules, &err) != NORM_OK)
    printf("post %lld: det lagrede regelsettet kan ikke brukes: %s\n", (long long)r->seq, err.message);
  else if (strcmp(norm_rules_digest(rules), r->rules_digest))
    printf("post %lld: det lagrede regelsettet har sjekksum %s, ikke %s\n", (long long)r->seq, norm_rules_digest(rules), r->rules_digest);
  else if (rp->trust && norm_rules_check_trust(rules, rp->trust, &err) != NORM_OK)
    printf("post %lld: regelsettet %s: %s\n", (long long)r->seq, r->rules_digest, err.message);
  else if (!(rp->judge = norm_judge_new(rules)))
    oom_raise();
  else
    ok = true;
  if (ok) rp->rules = rules;
  else norm_rules_free(rules);
  buf_free(&normc);
  return ok;
}

/* The case the record was made from: given with --case (found by digest), else stored. */
static bool case_text(replayer *rp, const norm_audit_entry *r, bool single, buf *text, buf *stored_result)
{
  if (rp->has_given) {
    for (size_t i = 0; i < rp->given.len; i++)
      if (!strcmp(rp->given.items[i].digest, r->case_digest)) {
        buf_put(text, rp->given.items[i].text, rp->given.items[i].len);
        return true;
      }
    if (single && rp->given.len == 1)
      printf("post %lld: saken i %s avvises: den har sjekksum %s, men posten ble vurdert på en sak med sjekksum %s\n",
             (long long)r->seq, rp->given.items[0].name, rp->given.items[0].digest, r->case_digest);
    else
      printf("post %lld: ingen av de oppgitte sakene har sjekksummen %s\n", (long long)r->seq, r->case_digest);
    return false;
  }
  bool found;
  norm_error err;
  if (norm_audit_log_stored(rp->db, r->seq, text, stored_result, &found, &err) != NORM_OK) {
    printf("post %lld: saken kan ikke leses fra revisjonsloggen: %s\n", (long long)r->seq, err.message);
    return false;
  }
  if (!found) {
    printf("post %lld: saken er ikke lagret i revisjonsloggen (den ble skrevet uten --audit-store-case); "
           "oppgi den med --case\n", (long long)r->seq);
    return false;
  }
  char d[65];
  if (!norm_case_digest(text->data ? text->data : "", text->len, d) || strcmp(d, r->case_digest)) {
    printf("post %lld: den lagrede saken har ikke sjekksummen posten oppgir; den avvises\n", (long long)r->seq);
    return false;
  }
  return true;
}

static json_t *finding_index(const char *findings)
{
  json_error_t je;
  json_t *a = json_loads(findings, 0, &je), *f, *idx = json_object();
  size_t i;
  json_array_foreach(a, i, f) {
    const char *regel = json_string_value(json_object_get(f, "regel"));
    const char *elem = json_string_value(json_object_get(f, "element"));
    char key[512];
    snprintf(key, sizeof key, "%s%s%s%s", regel ? regel : "?", elem ? " [" : "", elem ? elem : "", elem ? "]" : "");
    json_object_set(idx, key, json_object_get(f, "status"));
  }
  json_decref(a);
  return idx;
}

/* The same from the findings of the case just judged. */
static json_t *judged_index(norm_judge *j)
{
  json_t *idx = json_object();
  const norm_finding *fs;
  size_t n;
  norm_error err;
  if (norm_judge_findings(j, &fs, &n, &err) != NORM_OK) return idx;
  for (size_t i = 0; i < n; i++) {
    char key[512];
    snprintf(key, sizeof key, "%s%s%s%s", fs[i].rule, fs[i].item ? " [" : "", fs[i].item ? fs[i].item : "", fs[i].item ? "]" : "");
    json_object_set_new(idx, key, json_string(norm_finding_status_name(fs[i].status)));
  }
  return idx;
}

/* The findings that differ between the record and the new evaluation. */
static void show_difference(const norm_audit_entry *r, norm_judge *j, const buf *stored, const char *json, size_t len)
{
  json_t *old = finding_index(r->findings), *cur = judged_index(j), *v;
  const char *key;
  size_t n = 0;
  json_object_foreach(old, key, v) {
    json_t *w = json_object_get(cur, key);
    if (!w) printf("  %s: lagret %s, nå mangler funnet\n", key, json_string_value(v)), n++;
    else if (!json_equal(v, w)) printf("  %s: lagret %s, nå %s\n", key, json_string_value(v), json_string_value(w)), n++;
  }
  json_object_foreach(cur, key, v)
    if (!json_object_get(old, key)) printf("  %s: nytt funn, %s\n", key, json_string_value(v)), n++;
  if (!n && stored->len) {
    size_t i = 0;
    while (i < stored->len && i < len && stored->data[i] == json[i]) i++;
    size_t from = i > 40 ? i - 40 : 0;
    printf("  funnene er de samme; resultatet skiller seg fra det lagrede ved byte %zu:\n"
           "    lagret: …%.*s…\n    nå:     …%.*s…\n", i, (int)(stored->len - from < 100 ? stored->len - from : 100),
           stored->data + from, (int)(len - from < 100 ? len - from : 100), json + from);
  } else if (!n) {
    printf("  funnene er de samme, men resultatet (meldinger eller begrunnelser) er ikke byte for byte likt\n");
  }
  json_decref(old);
  json_decref(cur);
}

static void replay_one(replayer *rp, const norm_audit_entry *r, bool single)
{
  buf text, stored;
  buf_init(&text);
  buf_init(&stored);
  int32_t date;
  if (!case_text(rp, r, single, &text, &stored) || !load_ruleset(rp, r)) {
    rp->failed++;
  } else if (!date_parse(r->date, strlen(r->date), &date)) {
    printf("post %lld: vurderingsdatoen «%s» i posten er ikke en dato\n", (long long)r->seq, r->date);
    rp->failed++;
  } else {
    norm_options o = { .date = r->date, .format = NORM_FORMAT_JSON, .keep = true };
    norm_result res;
    norm_error err;
    norm_status st = norm_judge_case(rp->judge, text.data ? text.data : "", text.len, &o, &res, &err);
    if (st == NORM_ERR_JSON || st == NORM_ERR_CASE) {
      const char *why = norm_judge_problems(rp->judge);
      size_t n = strlen(why);
      printf("post %lld: saken kan ikke leses med det lagrede regelsettet:\n%s%s", (long long)r->seq, why,
             n && why[n - 1] == '\n' ? "" : "\n");
      rp->failed++;
    } else if (st != NORM_OK) {
      printf("post %lld: %s\n", (long long)r->seq, err.message);
      rp->failed++;
    } else {
      char d[65];
      norm_digest(res.text, res.len, d);
      const char *note = strcmp(r->norm_version, NORM_VERSION) ? " (vurdert med norm " : "";
      if (!strcmp(d, r->result_digest)) {
        printf("post %lld (sak %s): identisk resultat%s%s%s\n", (long long)r->seq, r->sak_id, note,
               *note ? r->norm_version : "", *note ? ")" : "");
        rp->same++;
      } else {
        printf("post %lld (sak %s): resultatet er IKKE det samme%s%s%s\n", (long long)r->seq, r->sak_id, note,
               *note ? r->norm_version : "", *note ? ")" : "");
        show_difference(r, rp->judge, &stored, res.text, res.len);
        rp->differ++;
      }
    }
  }
  buf_free(&text);
  buf_free(&stored);
}

static bool replay_each(void *ctx, const norm_audit_entry *r)
{
  replayer *rp = ctx;
  if (rp->broken_from && r->seq >= rp->broken_from) {
    printf("post %lld: etterprøves ikke: den står etter bruddet i kjeden\n", (long long)r->seq);
    rp->refused++;
    return true;
  }
  replay_one(ctx, r, false);
  return true;
}

static const char *const usage_replay =
  "Bruk: norm audit replay FIL.db (SEQ | --alle) [--case STI]…\n"
  "\n"
  "Vurderer saken i post SEQ (eller i alle postene) på nytt med regelsettet og datoen i\n"
  "posten, og sier om resultatet er byte for byte det samme. Saken hentes fra loggen\n"
  "(--audit-store-case) eller fra STI, der den finnes ved sjekksummen; en sak med en annen\n"
  "sjekksum enn posten avvises. Kjeden kontrolleres først: poster fra et brudd og utover\n"
  "etterprøves ikke, for det er ikke sikkert hva de sier.\n"
  "\n"
  "Valg:\n"
  "  --alle             alle postene\n"
  "  --case STI         saksmapper (fil, mappe eller NDJSON); kan gjentas\n"
  "  --trust NØKKEL.pem etterprøv bare med regelsett signert med denne offentlige\n"
  "                     Ed25519-nøkkelen; andre poster kan ikke etterprøves\n"
  "  -h, --help         vis denne hjelpen\n"
  "\n"
  "Utgangsstatus: 0 alle resultatene er de samme; 1 minst ett er ikke det, eller kjeden er\n"
  "brutt; 2 feil bruk, eller\n"
  "en database eller sak som ikke kan leses.\n";

int audit_replay_cmd(int argc, char **argv)
{
  static const struct option opts[] = {
    { "alle", no_argument, 0, 'a' }, { "case", required_argument, 0, 'c' }, { "help", no_argument, 0, 'h' },
    { "trust", required_argument, 0, 'T' }, { 0, 0, 0, 0 },
  };
  bool all = false;
  const char *trust = NULL;
  VEC(const char *) given = { 0 };
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'h':
      vec_free(&given);
      fputs(usage_replay, stdout);
      return EXIT_CLEAN;
    case 'a': all = true; break;
    case 'c': vec_push(&given, optarg); break;
    case 'T': trust = optarg; break;
    default: return cli_usage_error("audit", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  int npos = argc - optind;
  if (npos != (all ? 1 : 2))
    return cli_usage_error("audit", "%s", "bruk: norm audit replay FIL.db (SEQ | --alle) [--case STI]");
  long long seq = 0;
  if (!all) {
    char *end;
    seq = strtoll(argv[optind + 1], &end, 10);
    if (*end || seq <= 0) return cli_usage_error("audit", "«%s» er ikke et postnummer", argv[optind + 1]);
  }
  replayer rp;
  memset(&rp, 0, sizeof rp);
  if (trust) {
    uint8_t key[SIGN_KEY_LEN];
    char *why = NULL;
    if (!sign_read_public(trust, key, &why)) {              /* said before anything is replayed */
      fprintf(stderr, "norm audit replay: --trust: %s\n", why);
      free(why);
      vec_free(&given);
      return EXIT_USAGE;
    }
    rp.trust = trust;
  }
  rp.has_given = given.len > 0;
  bool read_all = true;
  for (size_t i = 0; i < given.len; i++) read_all &= cli_each_case(given.items[i], collect_given, &rp);
  vec_free(&given);
  if (!read_all) {
    for (size_t i = 0; i < rp.given.len; i++) free(rp.given.items[i].name), free(rp.given.items[i].text);
    vec_free(&rp.given);
    return EXIT_USAGE;
  }
  int status = EXIT_USAGE;
  norm_error err;
  norm_audit_check chk;
  if (norm_audit_log_open(argv[optind], &rp.db, &err) == NORM_OK && norm_audit_log_verify(rp.db, &chk, &err) != NORM_OK) {
    norm_audit_log_close(rp.db);
    rp.db = NULL;
  } else if (rp.db && !chk.whole) {
    rp.broken_from = chk.broken_at ? chk.broken_at : 1;
    fprintf(stderr, "norm audit replay: %s: kjeden er brutt%s%.0lld: %s; poster fra og med %lld etterprøves ikke\n",
            argv[optind], chk.broken_at ? " ved post " : "", chk.broken_at, chk.why, (long long)rp.broken_from);
  }
  if (!rp.db) {
    fprintf(stderr, "norm audit replay: %s: %s\n", argv[optind], err.message);
  } else if (all) {
    if (norm_audit_log_each(rp.db, replay_each, &rp, &err) == NORM_OK) {
      printf("%zu %s etterprøvd: %zu identiske, %zu ulike, %zu kunne ikke etterprøves\n", rp.same + rp.differ + rp.failed,
             rp.same + rp.differ + rp.failed == 1 ? "post" : "poster", rp.same, rp.differ, rp.failed);
      if (rp.refused) printf("%zu %s etter bruddet i kjeden ble ikke etterprøvd\n", rp.refused, rp.refused == 1 ? "post" : "poster");
      status = rp.failed ? EXIT_USAGE : rp.differ || rp.refused ? EXIT_FINDINGS : EXIT_CLEAN;
    } else {
      fprintf(stderr, "norm audit replay: %s: %s\n", argv[optind], err.message);
    }
  } else {
    norm_audit_entry r;
    bool found;
    if (rp.broken_from && seq >= rp.broken_from) {
      printf("post %lld: etterprøves ikke: den står etter bruddet i kjeden\n", seq);
      status = EXIT_FINDINGS;
    } else if (norm_audit_log_get(rp.db, seq, &r, &found, &err) != NORM_OK) {
      fprintf(stderr, "norm audit replay: %s: %s\n", argv[optind], err.message);
    } else if (!found) {
      fprintf(stderr, "norm audit replay: %s: revisjonsloggen har ingen post %lld\n", argv[optind], seq);
    } else {
      replay_one(&rp, &r, true);
      status = rp.failed ? EXIT_USAGE : rp.differ ? EXIT_FINDINGS : EXIT_CLEAN;
    }
  }
  norm_judge_free(rp.judge);
  norm_rules_free(rp.rules);
  for (size_t i = 0; i < rp.given.len; i++) free(rp.given.items[i].name), free(rp.given.items[i].text);
  vec_free(&rp.given);
  norm_audit_log_close(rp.db);
  return status;
}

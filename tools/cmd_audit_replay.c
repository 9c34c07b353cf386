/*
** `norm audit replay FILE.db (SEQ | --alle) [--case STI]`: re-evaluates recorded cases with
** the rule set and date stored in their records and says whether each result is
** byte-identical, showing the findings that differ when it is not.
*/
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "bcfile.h"
#include "cli.h"
#include "sign.h"
#include "commands.h"
#include "date.h"
#include "report.h"

typedef struct { char digest[65]; char *name, *text; size_t len; } given_case;

typedef struct {
  audit_db *db;
  VEC(given_case) given;
  bool has_given;
  char sha[65];              /* the loaded rule set */
  bc_program p;
  vm *m;
  size_t same, differ, failed;
  size_t refused;            /* records after a break in the chain, not replayed */
  int64_t broken_from;       /* the first record that cannot be trusted, or 0 */
  bool trust;                /* --trust: only rule sets signed by this key are used */
  uint8_t trusted[SIGN_KEY_LEN];
  char trusted_id[SIGN_ID_LEN + 1];
} replayer;

static void collect_given(void *ctx, const char *name, const char *text, size_t len)
{
  replayer *rp = ctx;
  given_case g;
  if (!audit_case_digest(text, len, g.digest)) {
    fprintf(stderr, "norm audit replay: %s: er ikke JSON, og kan ikke være en vurdert sak\n", name);
    return;
  }
  g.name = xstrdup(name);
  g.text = xstrndup(text, len);
  g.len = len;
  vec_push(&rp->given, g);
}

static bool load_ruleset(replayer *rp, const audit_record *r)
{
  if (rp->m && !strcmp(rp->sha, r->ruleset)) return true;
  if (rp->m) {
    vm_free(rp->m);
    bc_free(&rp->p);
    rp->m = NULL;
  }
  buf normc;
  buf_init(&normc);
  char *why = NULL;
  bool ok = false;
  if (!audit_ruleset(rp->db, r->ruleset, &normc))
    printf("post %lld: regelsettet %s er ikke lagret i revisjonsloggen\n", (long long)r->seq, r->ruleset);
  else if (!bcf_load((const uint8_t *)normc.data, normc.len, &rp->p, &why))
    printf("post %lld: det lagrede regelsettet kan ikke brukes: %s\n", (long long)r->seq, why);
  else if (strcmp(rp->p.sha256_hex, r->ruleset)) {
    printf("post %lld: det lagrede regelsettet har sjekksum %s, ikke %s\n", (long long)r->seq, rp->p.sha256_hex, r->ruleset);
    bc_free(&rp->p);
  } else if (rp->trust && (!rp->p.is_signed || memcmp(rp->p.signer, rp->trusted, SIGN_KEY_LEN))) {
    if (rp->p.is_signed)
      printf("post %lld: regelsettet %s er signert med nøkkelen %s, ikke med den betrodde nøkkelen %s\n",
             (long long)r->seq, r->ruleset, rp->p.signer_id, rp->trusted_id);
    else
      printf("post %lld: regelsettet %s er ikke signert, og --trust godtar bare nøkkelen %s\n",
             (long long)r->seq, r->ruleset, rp->trusted_id);
    bc_free(&rp->p);
  } else {
    ok = true;
    rp->m = vm_new(&rp->p);
    snprintf(rp->sha, sizeof rp->sha, "%s", r->ruleset);
  }
  free(why);
  buf_free(&normc);
  return ok;
}

/* The case the record was made from: given with --case (found by digest), else stored. */
static bool case_text(replayer *rp, const audit_record *r, bool single, buf *text, buf *stored_result)
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
  if (!audit_stored(rp->db, r->seq, text, stored_result)) {
    printf("post %lld: saken er ikke lagret i revisjonsloggen (den ble skrevet uten --audit-store-case); "
           "oppgi den med --case\n", (long long)r->seq);
    return false;
  }
  char d[65];
  if (!audit_case_digest(text->data ? text->data : "", text->len, d) || strcmp(d, r->case_digest)) {
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

/* The findings that differ between the record and the new evaluation. */
static void show_difference(const audit_record *r, const char *now, const buf *stored, const char *json)
{
  json_t *old = finding_index(r->findings), *cur = finding_index(now), *v;
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
    size_t i = 0, len = strlen(json);
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

static void replay_one(replayer *rp, const audit_record *r, bool single)
{
  buf text, stored;
  buf_init(&text);
  buf_init(&stored);
  ncase c;
  buf errors;
  buf_init(&errors);
  int32_t date;
  if (!case_text(rp, r, single, &text, &stored) || !load_ruleset(rp, r)) {
    rp->failed++;
  } else if (!date_parse(r->date, strlen(r->date), &date)) {
    printf("post %lld: vurderingsdatoen «%s» i posten er ikke en dato\n", (long long)r->seq, r->date);
    rp->failed++;
  } else if (!case_load(&rp->p, text.data ? text.data : "", text.len, &c, &errors)) {
    printf("post %lld: saken kan ikke leses med det lagrede regelsettet:\n%s", (long long)r->seq, errors.data ? errors.data : "");
    case_free(&c);
    rp->failed++;
  } else {
    result res;
    eval_case(rp->m, &c, date, &res);
    if (res.error != VM_OK) {
      printf("post %lld: regel %s: %s\n", (long long)r->seq, res.error_rule, vm_status_text(res.error));
      rp->failed++;
    } else {
      buf out;
      buf_init(&out);
      report_json(&res, &out);
      char *json = buf_take(&out), *now = audit_findings_json(&res), d[65];
      uint8_t raw[32];
      bcf_sha256(json, strlen(json), raw);
      bcf_hex(raw, 32, d);
      const char *note = strcmp(r->norm_version, NORM_VERSION) ? " (vurdert med norm " : "";
      if (!strcmp(d, r->result_digest)) {
        printf("post %lld (sak %s): identisk resultat%s%s%s\n", (long long)r->seq, r->sak_id, note,
               *note ? r->norm_version : "", *note ? ")" : "");
        rp->same++;
      } else {
        printf("post %lld (sak %s): resultatet er IKKE det samme%s%s%s\n", (long long)r->seq, r->sak_id, note,
               *note ? r->norm_version : "", *note ? ")" : "");
        show_difference(r, now, &stored, json);
        rp->differ++;
      }
      free(json);
      free(now);
    }
    result_free(&res);
    case_free(&c);
  }
  buf_free(&errors);
  buf_free(&text);
  buf_free(&stored);
}

static bool replay_each(void *ctx, const audit_record *r)
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
    char *why = NULL;
    if (!sign_read_public(trust, rp.trusted, &why)) {
      fprintf(stderr, "norm audit replay: --trust: %s\n", why);
      free(why);
      vec_free(&given);
      return EXIT_USAGE;
    }
    rp.trust = true;
    sign_key_id(rp.trusted, rp.trusted_id);
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
  rp.db = NULL;
  char *err = NULL;
  rp.db = audit_open(argv[optind], false, &err);
  audit_check chk = { 0 };
  if (rp.db && !audit_verify(rp.db, &chk)) {
    fprintf(stderr, "norm audit replay: %s: %s\n", argv[optind], audit_errmsg(rp.db));
    audit_close(rp.db);
    rp.db = NULL;
  } else if (rp.db && !chk.ok) {
    rp.broken_from = chk.bad ? chk.bad : 1;
    fprintf(stderr, "norm audit replay: %s: kjeden er brutt%s%.0lld: %s; poster fra og med %lld etterprøves ikke\n",
            argv[optind], chk.bad ? " ved post " : "", (long long)chk.bad, chk.why, (long long)rp.broken_from);
  }
  free(chk.why);
  if (!rp.db) {
    if (err) fprintf(stderr, "norm audit replay: %s: %s\n", argv[optind], err);
    free(err);
  } else if (all) {
    if (audit_each(rp.db, replay_each, &rp)) {
      printf("%zu %s etterprøvd: %zu identiske, %zu ulike, %zu kunne ikke etterprøves\n", rp.same + rp.differ + rp.failed,
             rp.same + rp.differ + rp.failed == 1 ? "post" : "poster", rp.same, rp.differ, rp.failed);
      if (rp.refused) printf("%zu %s etter bruddet i kjeden ble ikke etterprøvd\n", rp.refused, rp.refused == 1 ? "post" : "poster");
      status = rp.failed ? EXIT_USAGE : rp.differ || rp.refused ? EXIT_FINDINGS : EXIT_CLEAN;
    } else {
      fprintf(stderr, "norm audit replay: %s: %s\n", argv[optind], audit_errmsg(rp.db));
    }
  } else {
    audit_record r = { 0 };
    if (rp.broken_from && seq >= rp.broken_from) {
      printf("post %lld: etterprøves ikke: den står etter bruddet i kjeden\n", seq);
      status = EXIT_FINDINGS;
    } else if (audit_get(rp.db, seq, &r)) {
      replay_one(&rp, &r, true);
      status = rp.failed ? EXIT_USAGE : rp.differ ? EXIT_FINDINGS : EXIT_CLEAN;
    } else {
      fprintf(stderr, "norm audit replay: %s: %s\n", argv[optind], audit_errmsg(rp.db));
    }
    audit_record_free(&r);
  }
  if (rp.m) {
    vm_free(rp.m);
    bc_free(&rp.p);
  }
  for (size_t i = 0; i < rp.given.len; i++) free(rp.given.items[i].name), free(rp.given.items[i].text);
  vec_free(&rp.given);
  audit_close(rp.db);
  return status;
}

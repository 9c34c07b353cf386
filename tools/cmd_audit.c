/*
** `norm audit verify|show|replay|export FILE.db`: what a supervisory authority does with
** the audit trail that `norm check --audit` writes, read through the library (norm.h).
*/
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "date.h"
#include "norm.h"
#include "util.h"

const char *const usage_audit =
  "Bruk: norm audit KOMMANDO FIL.db [VALG]\n"
  "\n"
  "Revisjonsloggen som «norm check --audit FIL.db» skriver: én post per vurdert sak med\n"
  "tid, norm-versjon, regelsettets og sakens sjekksum (SHA-256), sak_id, vurderingsdato,\n"
  "operatør, funnene (regel, element, status) og resultatets sjekksum, lenket i en\n"
  "hashkjede. Hvert regelsett som er brukt, er lagret i loggen.\n"
  "\n"
  "Kommandoer:\n"
  "  verify FIL.db [--head HASH]\n"
  "        beregn hver hash og lenke på nytt; vis den første posten som er brutt.\n"
  "        --head: kjedehodet fra en tidligere eksport, som må finnes i kjeden\n"
  "        (oppdager at poster er slettet fra slutten)\n"
  "  show FIL.db [--sak ID] [--fra DATO] [--til DATO] [--regel ID] [--status S]\n"
  "              [--format text|json]\n"
  "        vis postene, eventuelt bare dem for en sak, vurdert (tid, UTC) i en periode,\n"
  "        eller med et funn for en regel og/eller med en status\n"
  "  replay FIL.db (SEQ | --alle) [--case STI]…\n"
  "        vurder saken på nytt med regelsettet og datoen i posten, og si om resultatet\n"
  "        er byte for byte det samme. Saken hentes fra loggen (--audit-store-case)\n"
  "        eller fra STI (fil, mappe eller NDJSON; --case kan gjentas), der den finnes\n"
  "        ved sjekksummen; en sak med en annen sjekksum enn posten avvises\n"
  "  export FIL.db --format json|csv [-o FIL]\n"
  "        alle postene for tilsynsmyndigheten; kjedehodet skrives til standard feil\n"
  "        (og står i JSON-eksporten), så eksporten kan kontrolleres mot databasen\n"
  "\n"
  "Utgangsstatus: 0 i orden; 1 kjeden er brutt, eller et resultat er ikke det samme;\n"
  "2 feil bruk, eller en database eller sak som ikke kan leses.\n";

static norm_audit_log *open_db(const char *cmd, const char *path)
{
  norm_audit_log *db;
  norm_error err;
  if (norm_audit_log_open(path, &db, &err) != NORM_OK) fprintf(stderr, "norm audit %s: %s: %s\n", cmd, path, err.message);
  return db;
}

/* ---- verify ---- */

typedef struct { const char *hash; int64_t seq, last; } head_search;

static bool find_head(void *ctx, const norm_audit_entry *r)
{
  head_search *h = ctx;
  if (!strcmp(r->hash, h->hash)) h->seq = r->seq;
  h->last = r->seq;
  return true;
}

static const char *const usage_verify =
  "Bruk: norm audit verify FIL.db [--head HASH]\n"
  "\n"
  "Beregner hver posts hash og lenke på nytt og kontrollerer de lagrede regelsettene,\n"
  "sakene og resultatene. Svaret er én dom: kjeden er hel, eller den er brutt, med den\n"
  "første posten som er brutt og hvorfor.\n"
  "\n"
  "Valg:\n"
  "  --head HASH        kjedehodet fra en tidligere eksport; det må finnes i kjeden, ellers\n"
  "                     er poster slettet fra slutten eller skrevet om\n"
  "  -h, --help         vis denne hjelpen\n"
  "\n"
  "Utgangsstatus: 0 kjeden er hel; 1 den er brutt; 2 feil bruk eller en database som\n"
  "ikke kan leses.\n";

static int audit_verify_cmd(int argc, char **argv)
{
  static const struct option opts[] = {
    { "head", required_argument, 0, 'H' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
  };
  const char *head = NULL;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'H': head = optarg; break;
    case 'h': fputs(usage_verify, stdout); return EXIT_CLEAN;
    default: return cli_usage_error("audit verify", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  if (optind != argc - 1) return cli_usage_error("audit verify", "%s", "oppgi nøyaktig én revisjonslogg (FIL.db)");
  const char *path = argv[optind];
  norm_audit_log *db = open_db("verify", path);
  if (!db) return EXIT_USAGE;
  norm_audit_check c2;
  norm_error err;
  if (norm_audit_log_verify(db, &c2, &err) != NORM_OK) {
    fprintf(stderr, "norm audit verify: %s: %s\n", path, err.message);
    norm_audit_log_close(db);
    return EXIT_USAGE;
  }
  /* The head given is part of the verdict: a chain that lost its end is not whole. */
  head_search h = { head, 0, 0 };
  if (c2.whole && head && norm_audit_log_each(db, find_head, &h, &err) != NORM_OK) {
    fprintf(stderr, "norm audit verify: %s: %s\n", path, err.message);
    norm_audit_log_close(db);
    return EXIT_USAGE;
  }
  int status = EXIT_CLEAN;
  if (!c2.whole) {
    if (c2.broken_at) printf("%s: kjeden er brutt ved post %lld: %s\n", path, c2.broken_at, c2.why);
    else printf("%s: kjeden er brutt: %s\n", path, c2.why);
    status = EXIT_FINDINGS;
  } else if (head && !h.seq) {
    printf("%s: kjeden er brutt: kjedehodet %s finnes ikke i kjeden (%lld %s, siste hash %s); "
           "poster er slettet fra slutten eller skrevet om\n", path, head, (long long)c2.count,
           c2.count == 1 ? "post" : "poster", c2.head);
    status = EXIT_FINDINGS;
  } else {
    printf("%s: kjeden er hel: %lld %s, kjedehode %s\n", path, (long long)c2.count, c2.count == 1 ? "post" : "poster", c2.head);
    if (head && h.seq < h.last)
      printf("kjedehodet %s er post %lld; %lld %s skrevet etter det\n", head, (long long)h.seq,
             (long long)(h.last - h.seq), h.last - h.seq == 1 ? "post er" : "poster er");
  }
  norm_audit_log_close(db);
  return status;
}

/* ---- show and export ---- */

static json_t *record_json(const norm_audit_entry *r)
{
  json_t *o = json_object();
  json_error_t je;
  json_t *funn = json_loads(r->findings, 0, &je);
  json_object_set_new(o, "seq", json_integer(r->seq));
  json_object_set_new(o, "tid", json_string(r->time));
  json_object_set_new(o, "norm_versjon", json_string(r->norm_version));
  json_object_set_new(o, "regelsett_sha256", json_string(r->rules_digest));
  json_object_set_new(o, "sak_sha256", json_string(r->case_digest));
  json_object_set_new(o, "sak_id", json_string(r->sak_id));
  json_object_set_new(o, "vurderingsdato", json_string(r->date));
  json_object_set_new(o, "operator", json_string(r->operator_name));
  json_object_set_new(o, "funn", funn ? funn : json_string(r->findings));
  json_object_set_new(o, "resultat_sha256", json_string(r->result_digest));
  json_object_set_new(o, "forrige_hash", json_string(r->prev));
  json_object_set_new(o, "hash", json_string(r->hash));
  if (r->signer && *r->signer) json_object_set_new(o, "signert_av", json_string(r->signer));
  return o;
}

typedef struct {
  const char *sak, *regel, *status;
  int32_t from, to;
  bool has_from, has_to, json;
  size_t shown;
  json_t *all;
  int64_t broken_from;       /* records from this seq on come after a break in the chain; 0: none */
} shower;

static bool has_finding(const norm_audit_entry *r, const char *regel, const char *status)
{
  json_error_t je;
  json_t *a = json_loads(r->findings, 0, &je), *f;
  size_t i;
  bool found = false;
  json_array_foreach(a, i, f) {
    const char *id = json_string_value(json_object_get(f, "regel"));
    const char *st = json_string_value(json_object_get(f, "status"));
    if ((!regel || (id && !strcmp(id, regel))) && (!status || (st && !strcmp(st, status)))) found = true;
  }
  json_decref(a);
  return found;
}

static void count_findings(const norm_audit_entry *r, buf *out)
{
  static const char *const shown[] = { "brudd", "avvik", "ukjent", "begrunnet_avvik", "vurder" };
  json_error_t je;
  json_t *a = json_loads(r->findings, 0, &je), *f;
  size_t n[5] = { 0 }, i;
  json_array_foreach(a, i, f) {
    const char *st = json_string_value(json_object_get(f, "status"));
    for (size_t k = 0; st && k < 5; k++) n[k] += !strcmp(st, shown[k]);
  }
  json_decref(a);
  for (size_t k = 0; k < 5; k++)
    if (n[k]) buf_printf(out, "%s%zu %s", out->len ? ", " : "", n[k], shown[k]);
  if (!out->len) buf_puts(out, "ingen brudd, avvik eller ukjente");
}

static const size_t widths[] = { 6, 20, 14, 10, 12, 12 };

/* A table cell padded to `width` characters (not bytes), two spaces after it. */
static void column(const char *s, size_t width)
{
  size_t w = utf8_width(s, strlen(s));
  fputs(s, stdout);
  for (size_t i = w; i < width + 2; i++) putchar(' ');
}

static bool show_one(void *ctx, const norm_audit_entry *r)
{
  shower *s = ctx;
  int32_t day;
  bool dated = strlen(r->time) >= 10 && date_parse(r->time, 10, &day);
  if (s->sak && strcmp(r->sak_id, s->sak)) return true;
  if (s->has_from && (!dated || day < s->from)) return true;
  if (s->has_to && (!dated || day > s->to)) return true;
  if ((s->regel || s->status) && !has_finding(r, s->regel, s->status)) return true;
  s->shown++;
  bool suspect = s->broken_from && r->seq >= s->broken_from;
  if (s->json) {
    json_t *o = record_json(r);
    json_object_set_new(o, "etter_brudd", json_boolean(suspect));
    json_array_append_new(s->all, o);
    return true;
  }
  if (s->shown == 1) {
    static const char *const head[] = { "post", "tid (UTC)", "sak", "vurdert", "regelsett", "operatør" };
    for (size_t i = 0; i < 6; i++) column(head[i], widths[i]);
    puts("funn");
  }
  char seq[24], ruleset[13];
  snprintf(seq, sizeof seq, "%s%lld", suspect ? "!" : "", (long long)r->seq);
  snprintf(ruleset, sizeof ruleset, "%.12s", r->rules_digest);
  const char *cells[] = { seq, r->time, r->sak_id, r->date, ruleset, r->operator_name };
  for (size_t i = 0; i < 6; i++) column(cells[i], widths[i]);
  buf f;
  buf_init(&f);
  count_findings(r, &f);
  puts(f.data);
  buf_free(&f);
  return true;
}

static const char *const usage_show =
  "Bruk: norm audit show FIL.db [VALG]\n"
  "\n"
  "Viser postene i revisjonsloggen, én linje per post (eller JSON). Kjeden kontrolleres\n"
  "først; er den brutt, merkes postene fra bruddet og utover, og utgangsstatus er 1.\n"
  "\n"
  "Valg:\n"
  "  --sak ID           bare poster for denne saken (sak_id)\n"
  "  --fra DATO         bare poster vurdert (tid, UTC) denne datoen eller senere\n"
  "  --til DATO         bare poster vurdert (tid, UTC) denne datoen eller tidligere\n"
  "  --regel ID         bare poster med et funn for denne regelen\n"
  "  --status S         bare poster med et funn med denne statusen (for --regel: for den regelen)\n"
  "  --format FORMAT    text (standard; også «tekst») eller json\n"
  "  -h, --help         vis denne hjelpen\n";

static int audit_show_cmd(int argc, char **argv)
{
  static const struct option opts[] = {
    { "sak", required_argument, 0, 's' }, { "fra", required_argument, 0, 'f' }, { "til", required_argument, 0, 't' },
    { "regel", required_argument, 0, 'r' }, { "status", required_argument, 0, 'S' },
    { "format", required_argument, 0, 'F' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
  };
  shower s;
  memset(&s, 0, sizeof s);
  const char *format = "text";
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'h': fputs(usage_show, stdout); return EXIT_CLEAN;
    case 's': s.sak = optarg; break;
    case 'r': s.regel = optarg; break;
    case 'S': s.status = optarg; break;
    case 'F': format = optarg; break;
    case 'f': case 't': {
      int32_t *d = c == 'f' ? &s.from : &s.to;
      if (!date_parse(optarg, strlen(optarg), d))
        return cli_usage_error("audit", "«%s» er ikke en gyldig dato (ÅÅÅÅ-MM-DD)", optarg);
      *(c == 'f' ? &s.has_from : &s.has_to) = true;
      break;
    }
    default: return cli_usage_error("audit", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  if (!cli_is_text(format) && strcmp(format, "json"))
    return cli_usage_error("audit", "--format må være text eller json, ikke «%s»", format);
  if (s.status) {
    bool known = false;
    for (int i = NORM_BRUDD; i <= NORM_IKKE_AKTUELL; i++) known |= !strcmp(s.status, norm_finding_status_name(i));
    if (!known) return cli_usage_error("audit", "ukjent status «%s» (brudd, avvik, ukjent, vurder, begrunnet_avvik, oppfylt, ikke_aktuell)", s.status);
  }
  if (optind != argc - 1) return cli_usage_error("audit", "%s", "oppgi nøyaktig én revisjonslogg (FIL.db)");
  norm_audit_log *db = open_db("show", argv[optind]);
  if (!db) return EXIT_USAGE;
  /* The chain first: what follows a break cannot be trusted, and says so. */
  norm_audit_check chk;
  norm_error err;
  if (norm_audit_log_verify(db, &chk, &err) != NORM_OK) {
    fprintf(stderr, "norm audit show: %s: %s\n", argv[optind], err.message);
    norm_audit_log_close(db);
    return EXIT_USAGE;
  }
  if (!chk.whole) {
    s.broken_from = chk.broken_at ? chk.broken_at : 1;
    fprintf(stderr, "ADVARSEL: kjeden er brutt%s%.0lld: %s; poster fra og med %lld er merket med ! (tekst) eller "
            "\"etter_brudd\": true (JSON) og kan ikke stoles på\n", chk.broken_at ? " ved post " : "", chk.broken_at, chk.why,
            (long long)s.broken_from);
  }
  s.json = !strcmp(format, "json");
  s.all = json_array();
  bool ok = norm_audit_log_each(db, show_one, &s, &err) == NORM_OK;
  if (!ok) fprintf(stderr, "norm audit show: %s: %s\n", argv[optind], err.message);
  if (ok && s.json) {
    char *out = json_dumps(s.all, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(out);
    free(out);
  } else if (ok && !s.shown) {
    printf("ingen poster%s\n", s.sak || s.regel || s.status || s.has_from || s.has_to ? " passer med utvalget" : "");
  }
  json_decref(s.all);
  norm_audit_log_close(db);
  return !ok ? EXIT_USAGE : s.broken_from ? EXIT_FINDINGS : EXIT_CLEAN;
}

typedef struct { FILE *out; bool csv; json_t *all; } exporter;

static void csv_field(FILE *f, const char *s, bool last)
{
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputs(last ? "\"\r\n" : "\",", f);
}

/* CSV: one row per finding (a record without findings gets one row with them empty),
** the record's own columns repeated on each, so a spreadsheet can filter and count. */
static void csv_row(FILE *out, const norm_audit_entry *r, const char *rule, const char *item, const char *status)
{
  fprintf(out, "%lld,", (long long)r->seq);
  const char *f[] = { r->time, r->norm_version, r->rules_digest, r->case_digest, r->sak_id, r->date, r->operator_name,
                      rule, item, status, r->result_digest, r->prev, r->hash };
  for (size_t i = 0; i < sizeof f / sizeof *f; i++) csv_field(out, f[i], i + 1 == sizeof f / sizeof *f);
}

static bool export_one(void *ctx, const norm_audit_entry *r)
{
  exporter *e = ctx;
  if (!e->csv) {
    json_array_append_new(e->all, record_json(r));
    return true;
  }
  json_t *all = json_loads(r->findings, 0, NULL);
  size_t i, rows = 0;
  json_t *f;
  json_array_foreach(all, i, f) {
    const char *rule = json_string_value(json_object_get(f, "regel"));
    const char *item = json_string_value(json_object_get(f, "element"));
    const char *status = json_string_value(json_object_get(f, "status"));
    csv_row(e->out, r, rule ? rule : "", item ? item : "", status ? status : "");
    rows++;
  }
  if (!rows) csv_row(e->out, r, "", "", "");
  json_decref(all);
  return true;
}

static const char *const usage_export =
  "Bruk: norm audit export FIL.db --format json|csv [-o FIL]\n"
  "\n"
  "Alle postene for tilsynsmyndigheten. Kjeden kontrolleres først; kjedehodet skrives til\n"
  "standard feil og står i JSON-eksporten, så eksporten kan kontrolleres mot databasen.\n"
  "CSV har én rad per funn (regel, element, status), med postens kolonner på hver rad.\n"
  "\n"
  "Valg:\n"
  "  --format FORMAT    json (norm-revisjon/1) eller csv\n"
  "  -o, --output FIL   skriv eksporten til FIL i stedet for standard ut\n"
  "  -h, --help         vis denne hjelpen\n";

static int audit_export_cmd(int argc, char **argv)
{
  static const struct option opts[] = {
    { "format", required_argument, 0, 'F' }, { "output", required_argument, 0, 'o' },
    { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
  };
  const char *format = NULL, *output = NULL;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
    switch (c) {
    case 'h': fputs(usage_export, stdout); return EXIT_CLEAN;
    case 'F': format = optarg; break;
    case 'o': output = optarg; break;
    default: return cli_usage_error("audit", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  if (!format || (strcmp(format, "json") && strcmp(format, "csv")))
    return cli_usage_error("audit", "%s", "oppgi --format json eller --format csv");
  if (optind != argc - 1) return cli_usage_error("audit", "%s", "oppgi nøyaktig én revisjonslogg (FIL.db)");
  const char *path = argv[optind];
  if (output && !cli_output_ok("audit export", output, &path, 1)) return EXIT_USAGE;
  norm_audit_log *db = open_db("export", path);
  if (!db) return EXIT_USAGE;
  norm_audit_check chk;
  norm_error err;
  if (norm_audit_log_verify(db, &chk, &err) != NORM_OK) {
    fprintf(stderr, "norm audit export: %s: %s\n", path, err.message);
    norm_audit_log_close(db);
    return EXIT_USAGE;
  }
  FILE *out = output ? fopen(output, "w") : stdout;
  if (!out) {
    fprintf(stderr, "norm audit export: kan ikke skrive %s\n", output);
    norm_audit_log_close(db);
    return EXIT_USAGE;
  }
  exporter e = { out, !strcmp(format, "csv"), json_array() };
  if (e.csv)
    fputs("seq,tid,norm_versjon,regelsett_sha256,sak_sha256,sak_id,vurderingsdato,operator,regel,element,status,"
          "resultat_sha256,forrige_hash,hash\r\n", out);
  bool read = norm_audit_log_each(db, export_one, &e, &err) == NORM_OK, ok = read;
  if (ok && !e.csv) {
    json_t *doc = json_object();
    json_object_set_new(doc, "format", json_string("norm-revisjon/1"));
    json_object_set_new(doc, "skjemaversjon", json_integer(NORM_AUDIT_SCHEMA));
    json_object_set_new(doc, "antall", json_integer(chk.count));
    json_object_set_new(doc, "kjedehode", json_string(chk.head));
    json_object_set_new(doc, "kjeden_er_hel", json_boolean(chk.whole));
    json_object_set_new(doc, "poster", e.all);
    e.all = NULL;
    json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(doc);
  }
  json_decref(e.all);
  ok = (output ? fclose(out) == 0 : fflush(out) == 0) && ok;
  if (!ok)
    fprintf(stderr, "norm audit export: %s: eksporten ble ikke fullført (%s)\n", path,
            read ? "kan ikke skrive eksporten" : err.message);
  fprintf(stderr, "kjedehode: %s (%lld %s)\n", chk.head, (long long)chk.count, chk.count == 1 ? "post" : "poster");
  if (!chk.whole) fprintf(stderr, "ADVARSEL: kjeden er brutt ved post %lld: %s\n", chk.broken_at, chk.why);
  int status = !ok ? EXIT_USAGE : chk.whole ? EXIT_CLEAN : EXIT_FINDINGS;
  norm_audit_log_close(db);
  return status;
}

int cmd_audit(int argc, char **argv)
{
  if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    fputs(usage_audit, argc < 2 ? stderr : stdout);
    return argc < 2 ? EXIT_USAGE : EXIT_CLEAN;
  }
  const char *sub = argv[1];
  if (!strcmp(sub, "verify")) return audit_verify_cmd(argc - 1, argv + 1);
  if (!strcmp(sub, "show")) return audit_show_cmd(argc - 1, argv + 1);
  if (!strcmp(sub, "export")) return audit_export_cmd(argc - 1, argv + 1);
  if (!strcmp(sub, "replay")) return audit_replay_cmd(argc - 1, argv + 1);
  return cli_usage_error("audit", "ukjent kommando «%s» (verify, show, replay eller export)", sub);
}

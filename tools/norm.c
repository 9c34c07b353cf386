/*
** The `norm` command: check, compile, disasm, version, help. Maps outcomes to exit
** statuses in one place (see exit_for): 0 nothing to act on, 1 a brudd, avvik or
** ukjent finding, 2 a usage error or an input that could not be read.
*/
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bcfile.h"
#include "audit_writer.h"
#include "cli.h"
#include "commands.h"
#include "case.h"
#include "date.h"
#include "disasm.h"
#include "eval.h"
#include "frontend.h"
#include "graph.h"
#include "report.h"
#include "report_html.h"


static const char *const usage_main =
  "norm – regelmotor for Bufdirs faglige retningslinjer om hjelpetiltak\n"
  "\n"
  "Bruk: norm KOMMANDO [VALG] …\n"
  "\n"
  "Kommandoer:\n"
  "  check     vurder saksmapper mot regelsettet\n"
  "  compile   kompiler regelfiler til et verifiserbart regelsett (.normc)\n"
  "  disasm    vis bytekoden i et regelsett, regel for regel\n"
  "  test      kjør regeltestene (.normtest) og vis dekning\n"
  "  diff      vis hva en ny versjon av reglene endrer på et sett saker\n"
  "  doc       skriv regelkatalogen (Markdown) fra regelfilene\n"
  "  lint      finn det som kompilerer, men trolig er feil, i regelfilene\n"
  "  fmt       skriv regelfilene i den faste formen (--check: bare kontroller)\n"
  "  graph     tegn regelsettet: regler og hva de avhenger av (Graphviz)\n"
  "  audit     revisjonsloggen: verify, show, replay og export\n"
  "  version   vis versjonen\n"
  "  help      vis hjelp for en kommando: norm help check\n"
  "\n"
  "Utgangsstatus: 0 ingen brudd, avvik eller ukjente funn; 1 minst ett slikt funn;\n"
  "2 feil bruk, eller en inndatafil som ikke kunne leses.\n";

static const char *const usage_check =
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
  "  --format FORMAT    text: tekst for mennesker (standard); json: norm-resultat/1,\n"
  "                     én linje per sak; html: én selvstendig rapport med funn,\n"
  "                     begrunnelser, dokumentasjonskrav og beslutningssti (en oversikt\n"
  "                     først når det er flere saker)\n"
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
  "  -h, --help         vis denne hjelpen\n";

static const char *const usage_compile =
  "Bruk: norm compile [REGLER…] -o FIL.normc\n"
  "\n"
  "Kompilerer regelfilene (en fil eller en mappe med .norm-filer; standard: rules/)\n"
  "til et regelsett som norm check kan bruke direkte, og skriver regelsettets\n"
  "identitet: SHA-256 av innholdet etter filhodet. Den er den samme uansett hvordan\n"
  "regelmappen er skrevet, og den samme som resultatene og revisjonsloggen oppgir.\n"
  "\n"
  "Valg:\n"
  "  -o, --output FIL   hvor regelsettet skrives (påkrevd)\n"
  "  -h, --help         vis denne hjelpen\n";

static const char *const usage_disasm =
  "Bruk: norm disasm [--regel ID] REGELSETT\n"
  "\n"
  "Viser bytekoden i et regelsett (.normc eller regelfiler) regel for regel, med\n"
  "linjenumre fra kildene.\n"
  "\n"
  "Valg:\n"
  "  --regel ID         bare denne regelen\n"
  "  -h, --help         vis denne hjelpen\n";

/* ---- check ---- */

typedef struct {
  const bc_program *p;
  vm *m;
  bool json, all, color, has_date, trace, detailed;
  int32_t date;
  int status;                /* worst exit status so far */
  size_t ncases;
  audit_writer *audit;       /* NULL without --audit */
  const char *graph;         /* --graph FILE, or NULL */
  bool graph_per_case;       /* several cases: the sak_id goes into each file name */
  graph_opts gopts;
  GVC_t *gvc;                /* one Graphviz context for every diagram of the run */
  bool stopped;              /* the audit log failed: evaluate nothing more */
  report_html *html;         /* --format html: the document being built */
  buf out;                   /* --format json: one result's bytes, reused from case to case */
} checker;

/* --graph: FILE for a single case; with several, FILE with the sak_id before its extension. */
static void draw(checker *k, const char *name, const result *r)
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
    for (const char *s = r->sak_id ? r->sak_id : "uten-id"; *s && n < sizeof id - 1; s++)
      id[n++] = (*s == '/' || *s == '\\' || (unsigned char)*s < 0x20) ? '_' : *s;
    id[n] = 0;
    size_t used = strlen(path);
    snprintf(path + used, sizeof path - used, "-%s%s", id, ext);
  }
  /* the overview by default; every condition with --graph-detaljer, or when asked for a rule or statuses */
  bool detailed = k->detailed || k->gopts.all || k->gopts.has_only || k->gopts.rule;
  Agraph_t *g = detailed ? graph_case(r, &k->gopts) : graph_overview(r);
  char *err = NULL;
  if (!graph_write(k->gvc, g, path, &err)) {
    fprintf(stderr, "norm: %s: diagrammet %s: %s\n", name, path, err);
    free(err);
    k->status = EXIT_USAGE;
  }
  agclose(g);
}

static void check_one(void *ctx, const char *name, const char *text, size_t len)
{
  checker *k = ctx;
  if (k->stopped) return;
  ncase c;
  buf errors;
  buf_init(&errors);
  if (!case_load(k->p, text, len, &c, &errors)) {
    /* Every error line names the file and the JSON path. */
    cli_print_case_errors("norm", name, errors.data);
    k->status = EXIT_USAGE;
    case_free(&c);
    buf_free(&errors);
    return;
  }
  buf_free(&errors);
  int32_t date = k->has_date ? k->date : c.has_date ? c.date : date_today();
  result r;
  eval_case(k->m, &c, date, &r);
  if (r.error != VM_OK) {
    fprintf(stderr, "norm: %s: regel %s: %s\n", name, r.error_rule, vm_status_text(r.error));
    k->status = EXIT_USAGE;
  } else {
    /* With --audit, reports wait in the writer until their records are committed. */
    FILE *out = k->audit ? aw_out(k->audit) : stdout;
    if (k->html) {
      html_add(k->html, &r);
    } else if (k->json) {
      buf_reset(&k->out);
      report_json(&r, &k->out);
      buf_putc(&k->out, '\n');
      fwrite(k->out.data, 1, k->out.len, out);
    } else {
      text_opts o = { k->color, k->all, k->trace };
      if (k->ncases++) fputs("\n────────────────────────────────────────\n\n", out);
      report_text(&r, out, &o);
    }
    if (k->graph) draw(k, name, &r);
    if (k->audit && !aw_record(k->audit, name, text, len, &r)) {
      k->stopped = true;
      k->status = EXIT_USAGE;
    }
    if ((r.counts[F_BRUDD] || r.counts[F_AVVIK] || r.counts[F_UKJENT]) && k->status == EXIT_CLEAN)
      k->status = EXIT_FINDINGS;
  }
  result_free(&r);
  case_free(&c);
}

static int cmd_check(int argc, char **argv)
{
  static const struct option opts[] = {
    { "rules", required_argument, 0, 'r' }, { "dato", required_argument, 0, 'd' },
    { "format", required_argument, 0, 'f' }, { "alle", no_argument, 0, 'a' },
    { "farge", required_argument, 0, 'c' }, { "help", no_argument, 0, 'h' },
    { "audit", required_argument, 0, 'A' }, { "operator", required_argument, 0, 'O' },
    { "audit-store-case", no_argument, 0, 'S' }, { "graph", required_argument, 0, 'g' },
    { "graph-all", no_argument, 0, 'G' }, { "graph-only", required_argument, 0, 'y' },
    { "graph-rule", required_argument, 0, 'R' }, { "output", required_argument, 0, 'o' },
    { "spor", no_argument, 0, 's' }, { "graph-detaljer", no_argument, 0, 'D' }, { 0, 0, 0, 0 },
  };
  char rules_buf[PATH_MAX];
  const char *rules = NULL, *format = "text", *color = "auto", *audit = NULL, *operator_name = NULL, *output = NULL;
  bool store_case = false;
  checker k;
  memset(&k, 0, sizeof k);
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
    switch (c) {
    case 'r': rules = optarg; break;
    case 'd':
      if (!date_parse(optarg, strlen(optarg), &k.date)) return cli_usage_error("check", "--dato «%s» er ikke en gyldig dato (ÅÅÅÅ-MM-DD)", optarg);
      k.has_date = true;
      break;
    case 'f': format = optarg; break;
    case 'a': k.all = true; break;
    case 's': k.trace = true; break;
    case 'D': k.detailed = true; break;
    case 'c': color = optarg; break;
    case 'A': audit = optarg; break;
    case 'O': operator_name = optarg; break;
    case 'S': store_case = true; break;
    case 'g': k.graph = optarg; break;
    case 'o': output = optarg; break;
    case 'G': k.gopts.all = true; break;
    case 'R': k.gopts.rule = optarg; break;
    case 'y': {
      char bad[64];
      if (!graph_parse_only(optarg, &k.gopts, bad, sizeof bad))
        return cli_usage_error("check", "--graph-only: ukjent status «%s» (brudd, avvik, ukjent, vurder, begrunnet_avvik, oppfylt, ikke_aktuell)", bad);
      break;
    }
    case 'h': fputs(usage_check, stdout); return EXIT_CLEAN;
    default: return cli_usage_error("check", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "html"))
    return cli_usage_error("check", "--format må være text, json eller html, ikke «%s»", format);
  if (strcmp(color, "auto") && strcmp(color, "alltid") && strcmp(color, "aldri"))
    return cli_usage_error("check", "--farge må være auto, alltid eller aldri, ikke «%s»", color);
  if (optind >= argc) return cli_usage_error("check", "%s", "ingen saksmappe er oppgitt");
  if (k.graph && !graph_known_format(k.graph))
    return cli_usage_error("check", "--graph: «%s» har ukjent filtype; bruk .dot, .svg, .png eller .pdf", k.graph);
  if ((k.gopts.all || k.gopts.has_only || k.gopts.rule || k.detailed) && !k.graph)
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
  bc_program p;
  buf image;
  buf_init(&image);
  if (!fe_load_ruleset_image(rules, &p, &image, stderr, cli_use_color(color, stderr))) return EXIT_USAGE;
  k.p = &p;
  if (audit) {
    k.audit = aw_open(audit, &p, &image, operator_name, store_case);
    if (!k.audit) {
      buf_free(&image);
      bc_free(&p);
      return EXIT_USAGE;
    }
  }
  k.m = vm_new(&p);
  k.json = !strcmp(format, "json");
  if (k.graph || !strcmp(format, "html")) k.gvc = gvContext();
  if (!strcmp(format, "html")) k.html = html_begin(k.gvc);
  k.color = cli_use_color(color, stdout);
  for (int i = optind; i < argc && !k.stopped; i++)
    if (!cli_each_case(argv[i], check_one, &k)) k.status = EXIT_USAGE;
  if (k.audit && !aw_close(k.audit)) k.status = EXIT_USAGE;
  if (k.html) html_end(k.html, stdout);
  if (k.gvc) gvFreeContext(k.gvc);
  if (fflush(stdout) != 0) {
    fprintf(stderr, "norm check: resultatet kunne ikke skrives%s%s\n", output ? " til " : "", output ? output : "");
    k.status = EXIT_USAGE;
  }
  vm_free(k.m);
  buf_free(&k.out);
  buf_free(&image);
  bc_free(&p);
  return k.status;
}

/* ---- compile, disasm ---- */

static int cmd_compile(int argc, char **argv)
{
  static const struct option opts[] = {
    { "output", required_argument, 0, 'o' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
  };
  const char *out = NULL;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
    switch (c) {
    case 'o': out = optarg; break;
    case 'h': fputs(usage_compile, stdout); return EXIT_CLEAN;
    default: return cli_usage_error("compile", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  if (!out) return cli_usage_error("compile", "%s", "oppgi hvor regelsettet skal skrives: -o FIL.normc");
  char rules_buf[PATH_MAX];
  VEC(const char *) paths = { 0 };                  /* every path given is compiled */
  for (int i = optind; i < argc; i++) vec_push(&paths, argv[i]);
  if (!paths.len) vec_push(&paths, cli_default_rules(rules_buf, sizeof rules_buf));
  if (!cli_output_ok("compile", out, paths.items, paths.len)) {
    vec_free(&paths);
    return EXIT_USAGE;
  }
  srcset src;
  src_init(&src);
  buf bytes;
  buf_init(&bytes);
  bool ok = fe_compile(&src, paths.items, paths.len, &bytes);
  vec_free(&paths);
  diag_print_all(&src, stderr, cli_use_color("auto", stderr));
  src_free(&src);
  if (!ok) {
    fprintf(stderr, "norm: regelsettet ble ikke kompilert\n");
    buf_free(&bytes);
    return EXIT_USAGE;
  }
  /* Write to a temporary file and rename, so a crash never leaves half a rule set. */
  char target[PATH_MAX], tmp[PATH_MAX + 32];
  cli_output_target(out, target);            /* a symbolic link keeps pointing where it did */
  snprintf(tmp, sizeof tmp, "%s.tmp%ld", target, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  bool written = f && fwrite(bytes.data, 1, bytes.len, f) == bytes.len;
  if (f && fclose(f)) written = false;
  if (!written || rename(tmp, target)) {
    fprintf(stderr, "norm: %s: kunne ikke skrives (%s)\n", out, strerror(errno));
    unlink(tmp);
    buf_free(&bytes);
    return EXIT_USAGE;
  }
  uint8_t digest[32];
  char hex[65];
  bcf_sha256(bytes.data + BC_HEADER_LEN, bytes.len - BC_HEADER_LEN, digest);
  bcf_hex(digest, 32, hex);
  fprintf(stderr, "norm: skrev %s (%zu byte)\n"
                  "regelsettets identitet: %s\n"
                  "(SHA-256 av innholdet etter filhodet; se docs/regelsett-id.md)\n", out, bytes.len, hex);
  buf_free(&bytes);
  return EXIT_CLEAN;
}

static int cmd_disasm(int argc, char **argv)
{
  static const struct option opts[] = {
    { "regel", required_argument, 0, 'r' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
  };
  const char *only = NULL;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'r': only = optarg; break;
    case 'h': fputs(usage_disasm, stdout); return EXIT_CLEAN;
    default: return cli_usage_error("disasm", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  if (optind != argc - 1) return cli_usage_error("disasm", "%s", "oppgi nøyaktig ett regelsett (.normc eller regelfiler)");
  bc_program p;
  if (!fe_load_ruleset(argv[optind], &p, stderr, cli_use_color("auto", stderr))) return EXIT_USAGE;
  bool found = !only;
  for (size_t i = 0; i < p.rules.len && !found; i++) found = !strcmp(bc_str(&p, p.rules.items[i].id), only);
  if (!found) {
    bc_free(&p);
    return cli_usage_error("disasm", "regelsettet har ingen regel «%s»", only);
  }
  disasm_program(&p, only, stdout);
  bc_free(&p);
  return EXIT_CLEAN;
}

static const char *const usage_version =
  "Bruk: norm version [--rules STI]\n"
  "\n"
  "Viser versjonen av norm og bytekodeformatet, og navnet og identiteten (SHA-256 av\n"
  "innholdet, se docs/regelsett-id.md) til regelsettet i STI (standard: rules/).\n"
  "\n"
  "Valg:\n"
  "  --rules STI        regelfiler (fil eller mappe) eller en .normc\n"
  "  -h, --help         vis denne hjelpen\n";

static int cmd_version(int argc, char **argv)
{
  static const struct option opts[] = {
    { "rules", required_argument, 0, 'r' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
  };
  const char *rules = NULL;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'r': rules = optarg; break;
    case 'h': fputs(usage_version, stdout); return EXIT_CLEAN;
    default: return cli_usage_error("version", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  if (optind < argc) return cli_usage_error("version", "uventet argument «%s»", argv[optind]);
  printf("norm %s (bytekodeformat %u)\n", NORM_VERSION, BC_VERSION);
  char rules_buf[PATH_MAX];
  bool given = rules != NULL;
  if (!rules) rules = cli_default_rules(rules_buf, sizeof rules_buf);
  bc_program p;
  /* Without --rules, a missing rule folder is no error: the version is what was asked. */
  if (!fe_load_ruleset(rules, &p, given ? stderr : NULL, false)) {
    if (given) return EXIT_USAGE;
    printf("regelsett: ingen (fant ikke %s)\n", rules);
    return EXIT_CLEAN;
  }
  printf("regelsett: %s (%s)\nidentitet: %s\n", bc_str(&p, p.name), rules, p.sha256_hex);
  bc_free(&p);
  return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fputs(usage_main, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) return cmd_version(argc - 1, argv + 1);
  if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    const char *topic = argc > 2 ? argv[2] : "";
    if (!strcmp(topic, "check")) fputs(usage_check, stdout);
    else if (!strcmp(topic, "compile")) fputs(usage_compile, stdout);
    else if (!strcmp(topic, "disasm")) fputs(usage_disasm, stdout);
    else if (!strcmp(topic, "test")) fputs(usage_test, stdout);
    else if (!strcmp(topic, "diff")) fputs(usage_diff, stdout);
    else if (!strcmp(topic, "doc")) fputs(usage_doc, stdout);
    else if (!strcmp(topic, "lint")) fputs(usage_lint, stdout);
    else if (!strcmp(topic, "fmt")) fputs(usage_fmt, stdout);
    else if (!strcmp(topic, "audit")) fputs(usage_audit, stdout);
    else if (!strcmp(topic, "graph")) fputs(usage_graph, stdout);
    else if (!strcmp(topic, "version")) fputs(usage_version, stdout);
    else if (!*topic) fputs(usage_main, stdout);
    else return cli_usage_error(NULL, "ingen hjelp for «%s»", topic);
    return EXIT_CLEAN;
  }
  if (!strcmp(cmd, "check")) return cmd_check(argc - 1, argv + 1);
  if (!strcmp(cmd, "compile")) return cmd_compile(argc - 1, argv + 1);
  if (!strcmp(cmd, "disasm")) return cmd_disasm(argc - 1, argv + 1);
  if (!strcmp(cmd, "test")) return cmd_test(argc - 1, argv + 1);
  if (!strcmp(cmd, "diff")) return cmd_diff(argc - 1, argv + 1);
  if (!strcmp(cmd, "doc")) return cmd_doc(argc - 1, argv + 1);
  if (!strcmp(cmd, "lint")) return cmd_lint(argc - 1, argv + 1);
  if (!strcmp(cmd, "fmt")) return cmd_fmt(argc - 1, argv + 1);
  if (!strcmp(cmd, "audit")) return cmd_audit(argc - 1, argv + 1);
  if (!strcmp(cmd, "graph")) return cmd_graph(argc - 1, argv + 1);
  return cli_usage_error(NULL, "ukjent kommando «%s»", cmd);
}

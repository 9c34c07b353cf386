/*
** The `norm` command: dispatch to the subcommands (check is in cmd_check.c), and
** compile, disasm, version and help. Maps outcomes to exit
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
#include "cli.h"
#include "commands.h"
#include "disasm.h"
#include "frontend.h"
#include "sign.h"


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
  "  serve     kjør norm som HTTP-tjeneste for fagsystemer\n"
  "  version   vis versjonen\n"
  "  help      vis hjelp for en kommando: norm help check\n"
  "\n"
  "Utgangsstatus: 0 ingen brudd, avvik eller ukjente funn; 1 minst ett slikt funn;\n"
  "2 feil bruk, eller en inndatafil som ikke kunne leses.\n";

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
  "  --sign NØKKEL.pem  signer regelsettet med en privat Ed25519-nøkkel, så de som\n"
  "                     bruker det med --trust, vet hvem som har gitt det ut\n"
  "                     (se docs/signering.md)\n"
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

/* ---- compile, disasm ---- */

static int cmd_compile(int argc, char **argv)
{
  static const struct option opts[] = {
    { "output", required_argument, 0, 'o' }, { "sign", required_argument, 0, 's' },
    { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
  };
  const char *out = NULL, *key = NULL;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
    switch (c) {
    case 'o': out = optarg; break;
    case 's': key = optarg; break;
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
  char *why = NULL;
  size_t unsigned_len = bytes.len;
  if (key && !sign_normc(&bytes, key, &why)) {
    fprintf(stderr, "norm: regelsettet ble ikke signert: %s\n", why);
    free(why);
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
    fprintf(stderr, "norm: %s: kunne ikke skrives (%s)\n", out, sys_error(errno));
    unlink(tmp);
    buf_free(&bytes);
    return EXIT_USAGE;
  }
  uint8_t digest[32];
  char hex[65];
  bcf_sha256(bytes.data + BC_HEADER_LEN, unsigned_len - BC_HEADER_LEN, digest);
  bcf_hex(digest, 32, hex);
  fprintf(stderr, "norm: skrev %s (%zu byte)\n"
                  "regelsettets identitet: %s\n"
                  "(SHA-256 av innholdet etter filhodet; se docs/regelsett-id.md)\n", out, bytes.len, hex);
  if (key) {
    char id[SIGN_ID_LEN + 1];
    sign_key_id((const uint8_t *)bytes.data + unsigned_len + 8, id);
    fprintf(stderr, "signert med Ed25519-nøkkelen %s\n", id);
  }
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

/* norm serve is the executable norm-serve beside this one: the HTTP server's libraries are
** loaded only there. */
static int run_serve(int argc, char **argv)
{
  (void)argc;
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 16);
  if (n <= 0) {
    fprintf(stderr, "norm serve: finner ikke hvor norm ligger (%s)\n", sys_error(errno));
    return EXIT_USAGE;
  }
  self[n] = 0;
  char *slash = strrchr(self, '/');
  snprintf(slash ? slash + 1 : self, sizeof self - (size_t)(slash ? slash + 1 - self : 0), "norm-serve");
  argv[0] = self;
  execv(self, argv);
  fprintf(stderr, "norm serve: %s kan ikke startes (%s); norm-serve skal ligge ved siden av norm\n", self, sys_error(errno));
  return EXIT_USAGE;
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
    else if (!strcmp(topic, "serve")) {
      char *args[] = { (char *)"serve", (char *)"--help", NULL };
      return run_serve(2, args);
    }
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
  if (!strcmp(cmd, "serve")) return run_serve(argc - 1, argv + 1);
  if (!strcmp(cmd, "graph")) return cmd_graph(argc - 1, argv + 1);
  return cli_usage_error(NULL, "ukjent kommando «%s»", cmd);
}

/*
** `norm test`: runs the .normtest files next to a rule set and reports failures and,
** with --coverage, which rules and conditions the tests exercised.
*/
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "frontend.h"
#include "ruletest.h"

const char *const usage_test =
  "Bruk: norm test [VALG] [STI…]\n"
  "\n"
  "Kjører regeltestene (.normtest-filer) og skriver hver feil med forventet og faktisk\n"
  "funn og testens fil:linje. Siste linje er «N passed, M failed».\n"
  "STI er en regelmappe (testene er .normtest-filene i den) eller én eller flere\n"
  ".normtest-filer (reglene er da mappen filen ligger i). Standard: de leverte reglene.\n"
  "\n"
  "Valg:\n"
  "  --rules STI        regelsettet testene kjøres mot (standard: mappen testene ligger i)\n"
  "  --coverage         vis dekning: hvilke utfall hver regel er testet for, og vilkår\n"
  "                     som aldri har vært sanne eller usanne\n"
  "  --krev-dekning     utgangsstatus 1 også når dekningen ikke er full (for CI)\n"
  "  -v, --verbose      vis også testene som består\n"
  "  -h, --help         vis denne hjelpen\n"
  "\n"
  "Formatet er beskrevet i docs/tester.md.\n"
  "Utgangsstatus: 0 alle tester består, 1 minst én feiler, 2 regler eller testfiler\n"
  "som ikke kan leses.\n";

static bool is_dir(const char *p)
{
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int cmd_test(int argc, char **argv)
{
  static const struct option opts[] = {
    { "rules", required_argument, 0, 'r' }, { "coverage", no_argument, 0, 'c' },
    { "krev-dekning", no_argument, 0, 'k' }, { "verbose", no_argument, 0, 'v' },
    { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
  };
  const char *rules = NULL;
  bool coverage = false, require = false, verbose = false;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
    switch (c) {
    case 'r': rules = optarg; break;
    case 'c': coverage = true; break;
    case 'k': require = coverage = true; break;
    case 'v': verbose = true; break;
    case 'h': fputs(usage_test, stdout); return EXIT_CLEAN;
    default: return cli_usage_error("test", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  char def[PATH_MAX], dir[PATH_MAX];
  VEC(char *) files = { 0 };
  const char *first = optind < argc ? argv[optind] : cli_default_rules(def, sizeof def);
  for (int i = optind; i < argc || (i == optind && optind == argc); i++) {
    const char *a = i < argc ? argv[i] : first;
    if (is_dir(a)) {
      cli_names names;
      cli_list_dir(a, ".normtest", &names);
      if (!names.len) fprintf(stderr, "norm test: %s: mappen har ingen .normtest-filer\n", a);
      for (size_t k = 0; k < names.len; k++) {
        char full[PATH_MAX];
        snprintf(full, sizeof full, "%s/%s", a, names.items[k]);
        vec_push(&files, xstrdup(full));
      }
      cli_names_free(&names);
    } else if (str_has_suffix(a, ".normtest")) vec_push(&files, xstrdup(a));
    else {
      for (size_t k = 0; k < files.len; k++) free(files.items[k]);
      vec_free(&files);
      return cli_usage_error("test", "«%s» er verken en regelmappe eller en .normtest-fil", a);
    }
  }
  if (!rules) {
    if (is_dir(first)) rules = first;
    else {
      snprintf(dir, sizeof dir, "%s", first);
      char *slash = strrchr(dir, '/');
      if (slash) *slash = 0;
      else strcpy(dir, ".");
      rules = dir;
    }
  }
  bc_program p;
  int status = EXIT_CLEAN;
  if (!fe_load_ruleset(rules, &p, stderr, cli_use_color("auto", stderr))) status = EXIT_USAGE;
  else {
    /* Conditions are named relative to the rule folder in the program; show them from here. */
    char src_dir[PATH_MAX];
    snprintf(src_dir, sizeof src_dir, "%s", rules);
    if (!is_dir(rules)) {
      char *slash = strrchr(src_dir, '/');
      if (slash) *slash = 0;
      else strcpy(src_dir, ".");
    }
    size_t n = strlen(src_dir);
    while (n > 1 && src_dir[n - 1] == '/') src_dir[--n] = 0;
    rt_suite *s = rt_suite_new(&p, str_has_suffix(rules, ".normc") ? NULL : src_dir);
    for (size_t k = 0; k < files.len; k++)
      if (!rt_suite_add_file(s, files.items[k], stderr)) status = EXIT_USAGE;
    rt_summary sum = rt_suite_run(s, stdout, coverage, verbose);
    bool short_coverage = require && !sum.coverage_complete;
    /* What makes --krev-dekning fail stands right above the closing count line. */
    if (short_coverage)
      printf("\nDekningen er ikke fullstendig (--krev-dekning), derfor utgangsstatus 1:\n%s", sum.gaps);
    printf("%s%zu passed, %zu failed\n", coverage ? "\n" : "", sum.passed, sum.failed);
    free(sum.gaps);
    if (status == EXIT_CLEAN && (sum.failed || short_coverage)) status = EXIT_FINDINGS;
    rt_suite_free(s);
    bc_free(&p);
  }
  for (size_t k = 0; k < files.len; k++) free(files.items[k]);
  vec_free(&files);
  return status;
}

/*
** `norm graph [REGLER] -o FIL`: the rule set as a diagram (tools/graph_rules.c).
*/
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "frontend.h"
#include "graph.h"

const char *const usage_graph =
  "Bruk: norm graph [REGLER] -o FIL\n"
  "\n"
  "Tegner regelsettet (standard: de leverte reglene): retningslinjene, reglene og\n"
  "parameterne, definisjonene og faktastiene hver regel avhenger av, så en redaktør ser\n"
  "hva en endring berører. Filtypen velger formatet: .dot, .svg, .png eller .pdf.\n"
  "\n"
  "Valg:\n"
  "  -o, --output FIL   hvor diagrammet skrives (påkrevd)\n"
  "  -h, --help         vis denne hjelpen\n";

typedef struct { const char *out; bool ok; } graph_job;

static void draw(void *ctx, ast_unit *u, const bc_program *p)
{
  graph_job *j = ctx;
  const char *why;
  if (!gvlib_load(&why)) {
    fprintf(stderr, "norm graph: %s\n", why);
    j->ok = false;
    return;
  }
  GVC_t *gvc = gvContext();                 /* first: it sets the defaults every graph gets */
  Agraph_t *g = graph_ruleset(u, p);
  char *err = NULL;
  j->ok = graph_write(gvc, g, j->out, &err);
  if (!j->ok) fprintf(stderr, "norm graph: %s: %s\n", j->out, err);
  free(err);
  agclose(g);
  gvFreeContext(gvc);
}

int cmd_graph(int argc, char **argv)
{
  static const struct option opts[] = {
    { "output", required_argument, 0, 'o' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
  };
  graph_job j = { NULL, false };
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
    switch (c) {
    case 'o': j.out = optarg; break;
    case 'h': fputs(usage_graph, stdout); return EXIT_CLEAN;
    default: return cli_usage_error("graph", "ukjent eller ufullstendig valg «%s»", argv[optind - 1]);
    }
  }
  if (!j.out) return cli_usage_error("graph", "%s", "oppgi hvor diagrammet skal skrives: -o FIL.svg");
  if (!graph_known_format(j.out)) return cli_usage_error("graph", "«%s» har ukjent filtype; bruk .dot, .svg, .png eller .pdf", j.out);
  if (argc - optind > 1) return cli_usage_error("graph", "%s", "bare én regelmappe eller regelfil");
  char def[PATH_MAX];
  const char *path = optind < argc ? argv[optind] : cli_default_rules(def, sizeof def);
  if (!cli_output_ok("graph", j.out, &path, 1)) return EXIT_USAGE;
  srcset src;
  src_init(&src);
  const char *paths[1] = { path };
  bool ok = fe_analyze(&src, paths, 1, NULL, draw, &j);
  diag_print_all(&src, stderr, cli_use_color("auto", stderr));
  src_free(&src);
  return ok && j.ok ? EXIT_CLEAN : EXIT_USAGE;
}

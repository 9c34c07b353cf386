/*
** Diagrams and the HTML report: golden DOT for the example case (whole, only failing
** findings, one rule) and for the rule set, byte-identical output on a second run, labels
** with quotes, <, &, æøå and backslashes in DOT, SVG and HTML, the report's content and
** its batch index, and bad options refused. Works in build/q-graph/.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define DIR "build/q-graph"

static void golden_file(const char *made, const char *golden)
{
  char *got = th_slurp(made);
  if (getenv("NORM_UPDATE_GOLDEN")) {
    FILE *f = fopen(golden, "w");
    fputs(got, f);
    fclose(f);
  }
  char *want = th_slurp(golden);
  if (strcmp(got, want)) fail_msg("%s differs from %s (NORM_UPDATE_GOLDEN=1 regenerates it)", made, golden);
  free(got);
  free(want);
}

static void fresh(void)
{
  free(th_runf(0, "rm -rf " DIR " && mkdir -p " DIR));
}

static void test_golden_dot(void **state)
{
  (void)state;
  fresh();
  static const struct { const char *opts, *file; } cases[] = {
    { "--graph-detaljer", "eksempel.dot" },
    { "", "eksempel-oversikt.dot" },
    { "--graph-only brudd,avvik,ukjent", "eksempel-feil.dot" },
    { "--graph-rule OMS-EVALUERING", "eksempel-regel.dot" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    free(th_runf(1, "%s check --rules rules --graph " DIR "/%s %s examples/saksmappe-eksempel.json > /dev/null", th_norm(),
             cases[i].file, cases[i].opts));
    char made[256], golden[256];
    snprintf(made, sizeof made, DIR "/%s", cases[i].file);
    snprintf(golden, sizeof golden, "tests/golden/%s", cases[i].file);
    golden_file(made, golden);
  }
  free(th_runf(0, "%s graph rules -o " DIR "/regelsett.dot", th_norm()));
  golden_file(DIR "/regelsett.dot", "tests/golden/regelsett.dot");

  /* What the picture must show for a person to follow a brudd to its fact. */
  char *dot = th_slurp(DIR "/eksempel-regel.dot");
  static const char *const want[] = {
    "Retningslinje OMS", "OMS-EVALUERING gjelder T1", "Brudd", "evalueringer = [] (tom liste)",
    "evaluert_innen(t, t.start + forste_evaluering_frist)", "er usann", "label=leses", "peripheries=2",
    "cluster_forklaring",
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++)
    if (!strstr(dot, want[i])) fail_msg("eksempel-regel.dot lacks «%s»", want[i]);
  assert_null(strstr(dot, "OMS-PLAN"));
  free(dot);
  dot = th_slurp(DIR "/eksempel.dot");
  assert_non_null(strstr(dot, "regler ikke aktuelle eller ikke i kraft"));
  free(dot);
}

static void test_same_inputs_same_bytes(void **state)
{
  (void)state;
  fresh();
  for (int i = 0; i < 2; i++)
    free(th_runf(1, "%s check --rules rules --graph " DIR "/%d.svg --format html -o " DIR "/%d.html "
             "examples/saksmappe-eksempel.json", th_norm(), i, i));
  free(th_runf(0, "cmp " DIR "/0.svg " DIR "/1.svg && cmp " DIR "/0.html " DIR "/1.html"));
  free(th_runf(0, "%s graph rules -o " DIR "/a.dot && %s graph rules -o " DIR "/b.dot && cmp " DIR "/a.dot " DIR "/b.dot",
           th_norm(), th_norm()));
}

static const char tricky_rules[] =
  "retningslinje X \"Tittel med \\\"anførsel\\\", <vinkel> & æøå\"\n"
  "  gjelder_fra 2020-01-01\n"
  "\n"
  "regel X-1 krav \"Regel «sitat» <b>&amp; \\\"q\\\"\"\n"
  "  sitat \"Et sitat med <tagger> & \\\"anførsel\\\"\"\n"
  "  kilder \"kilde <1> & 2\"\n"
  "  krev samsvarer(kommune, \"^\\s*Oslo\\N$\")\n"
  "  melding \"Kommunen «{kommune}» er ikke <Oslo> & co.\"\n";

static void test_labels_are_escaped_everywhere(void **state)
{
  (void)state;
  fresh();
  FILE *f = fopen(DIR "/tegn.norm", "w");
  fputs(tricky_rules, f);
  fclose(f);
  f = fopen(DIR "/sak.json", "w");
  fputs("{\"format\":\"saksmappe/1\",\"sak_id\":\"T-<1>&\\\"\",\"kommune\":\"Bergen & <Omegn> \\\"æøå\\\"\"}\n", f);
  fclose(f);
  free(th_runf(1, "%s check --dato 2024-01-01 --rules " DIR "/tegn.norm --graph-detaljer --graph " DIR "/t.dot " DIR "/sak.json >/dev/null", th_norm()));
  free(th_runf(1, "%s check --dato 2024-01-01 --rules " DIR "/tegn.norm --graph-detaljer --graph " DIR "/t.svg " DIR "/sak.json >/dev/null", th_norm()));
  free(th_runf(1, "%s check --dato 2024-01-01 --rules " DIR "/tegn.norm --format html -o " DIR "/t.html " DIR "/sak.json", th_norm()));
  char *dot = th_slurp(DIR "/t.dot"), *svg = th_slurp(DIR "/t.svg"), *html = th_slurp(DIR "/t.html");
  /* DOT: quotes escaped by cgraph, a backslash in the text doubled so Graphviz keeps it. */
  assert_non_null(strstr(dot, "Tittel med \\\"anførsel\\\", <vinkel> & æøå"));
  assert_non_null(strstr(dot, "\\\"^\\\\s*Oslo\\\\N$\\\""));
  assert_non_null(strstr(dot, "kommune = \\\"Bergen & <Omegn> \\\"æøå\\\"\\\""));
  /* SVG: XML-escaped, and \N stays the text it was (not the node's name). */
  assert_non_null(strstr(svg, "Tittel med &quot;anførsel&quot;, &lt;vinkel&gt; &amp; æøå"));
  assert_non_null(strstr(svg, "^\\s*Oslo\\N$"));
  assert_non_null(strstr(svg, "Sak T&#45;&lt;1&gt;&amp;&quot;"));
  /* HTML: every text escaped; the rule's own markup never becomes markup. */
  assert_non_null(strstr(html, "Regel «sitat» &lt;b&gt;&amp;amp; &quot;q&quot;"));
  assert_non_null(strstr(html, "Kommunen «Bergen &amp; &lt;Omegn&gt; &quot;æøå&quot;» er ikke &lt;Oslo&gt; &amp; co."));
  assert_non_null(strstr(html, "«Et sitat med &lt;tagger&gt; &amp; &quot;anførsel&quot;»"));
  assert_null(strstr(html, "<b>"));
  assert_null(strstr(html, "<tagger>"));
  free(dot);
  free(svg);
  free(html);
}

/* A rule made not applicable by its «unntak» stays in the picture, with the exception. */
static void test_exception_is_shown(void **state)
{
  (void)state;
  fresh();
  FILE *f = fopen(DIR "/unntak.norm", "w");
  fputs("retningslinje X \"x\"\n\nregel X-1 krav \"Med unntak\"\n  unntak kommune = \"Oslo\"\n  krev usann\n"
        "\nregel X-2 krav \"Uten\"\n  når kommune = \"Bergen\"\n  krev sann\n", f);
  fclose(f);
  f = fopen(DIR "/sak.json", "w");
  fputs("{\"format\":\"saksmappe/1\",\"sak_id\":\"U-1\",\"kommune\":\"Oslo\"}\n", f);
  fclose(f);
  free(th_runf(0, "%s check --rules " DIR "/unntak.norm --graph-detaljer --graph " DIR "/u.dot " DIR "/sak.json > /dev/null", th_norm()));
  char *dot = th_slurp(DIR "/u.dot");
  assert_non_null(strstr(dot, "Unntaket i regelen gjelder"));
  assert_non_null(strstr(dot, "«kommune = \\\"Oslo\\\"»\\ner sann"));
  assert_non_null(strstr(dot, "1 regel ikke aktuelle eller ikke i kraft:\\nX-2"));   /* X-2 is collapsed */
  free(dot);
}

static void test_html_report(void **state)
{
  (void)state;
  fresh();
  free(th_runf(1, "%s check --rules rules --format html -o " DIR "/r.html examples/saksmappe-eksempel.json", th_norm()));
  char *html = th_slurp(DIR "/r.html"), *json = th_runf(1, "%s check --rules rules --format json examples/saksmappe-eksempel.json", th_norm());
  static const char *const want[] = {
    "<!DOCTYPE html>", "<html lang=\"nb\">", "<h1>Vurdering etter Bufdirs faglige retningslinjer</h1>",
    "<h2>Sak 2024-0193</h2>", "<h3>Oppsummering</h3>", "<h3>Funn</h3>", "<h3>Dokumentasjonskrav</h3>",
    "<h3>Oversikt</h3>", "<th scope=\"col\">", "<caption>", "<svg", "01.10.2024", "@page{size:A4",
    "<h5>Hvorfor</h5>", "<details class=\"spor\">",
    "<span class=\"status\">Brudd:</span>",
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++)
    if (!strstr(html, want[i])) fail_msg("the report lacks «%s»", want[i]);
  /* Self-contained: no scripts, stylesheets, images or frames fetched from anywhere. */
  static const char *const never[] = { "<script", "<link", "<img", "<iframe", "@import", "url(" };
  for (size_t i = 0; i < sizeof never / sizeof *never; i++)
    if (strstr(html, never[i])) fail_msg("the report contains «%s»", never[i]);
  /* Every finding's rule id is in the report. */
  for (const char *p = strstr(json, "\"regel\":\""); p; p = strstr(p + 1, "\"regel\":\"")) {
    char id[64];
    assert_int_equal(sscanf(p + 9, "%63[^\"]", id), 1);
    if (!strstr(html, id)) fail_msg("the report does not mention %s", id);
  }
  free(html);
  free(json);

  /* A batch: an index with one row per case, linking to its section. */
  free(th_runf(1, "%s check --rules rules --format html -o " DIR "/b.html examples/saker/", th_norm()));
  html = th_slurp(DIR "/b.html");
  assert_non_null(strstr(html, "<h2>Oversikt</h2>"));
  assert_non_null(strstr(html, "<caption>47 saker med antall funn etter status</caption>"));
  assert_non_null(strstr(html, "<a href=\"#sak-1\">EKS-001</a>"));
  assert_non_null(strstr(html, "<article id=\"sak-47\">"));
  free(html);
}

/* Graphviz is loaded when something is drawn, not when norm starts (tools/gvlib.c): a run
** that only judges never maps it, a run that draws does. The dynamic loader says which
** libraries it loaded (LD_DEBUG=files, glibc). */
static void test_graphviz_loaded_only_to_draw(void **state)
{
  (void)state;
  fresh();
  static const struct { const char *opts; bool draws; } runs[] = {
    { "--format json", false }, { "--format text", false }, { "--format kompakt", false },
    { "--format html", true }, { "--graph " DIR "/lastet.svg", true },
  };
  for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
    char *out = th_runf(1, "LD_DEBUG=files %s check --rules rules %s examples/saksmappe-eksempel.json 2>&1 >/dev/null",
                        th_norm(), runs[i].opts);
    bool loaded = strstr(out, "file=libgvc.so") != NULL;
    if (!strstr(out, "file=libc.so")) fail_msg("LD_DEBUG=files sa ikke hvilke biblioteker som ble lastet:\n%.400s", out);
    if (loaded != runs[i].draws)
      fail_msg("norm check %s: Graphviz %s", runs[i].opts, loaded ? "ble lastet uten å tegne" : "ble ikke lastet");
    free(out);
  }
}

static void test_bad_graph_options(void **state)
{
  (void)state;
  fresh();
  char *out = th_runf(2, "%s check --graph x.txt examples/saksmappe-eksempel.json", th_norm());
  assert_non_null(strstr(out, "ukjent filtype"));
  free(out);
  out = th_runf(2, "%s check --graph x.svg --graph-only brudd,feil examples/saksmappe-eksempel.json", th_norm());
  assert_non_null(strstr(out, "ukjent status «feil»"));
  free(out);
  out = th_runf(2, "%s check --graph-all examples/saksmappe-eksempel.json", th_norm());
  assert_non_null(strstr(out, "bare sammen med --graph"));
  free(out);
  out = th_runf(2, "%s check --format pdf examples/saksmappe-eksempel.json", th_norm());
  free(out);
  out = th_runf(2, "%s graph rules", th_norm());
  assert_non_null(strstr(out, "-o FIL.svg"));
  free(out);
  /* A diagram that cannot be written is reported; the results are still printed. */
  out = th_runf(2, "%s check --format json --graph " DIR "/finnes/ikke/x.dot examples/saksmappe-eksempel.json", th_norm());
  assert_non_null(strstr(out, "diagrammet " DIR "/finnes/ikke/x.dot: kan ikke skrive filen"));
  assert_non_null(strstr(out, "\"sak_id\":\"2024-0193\""));
  free(out);
  /* Several cases: one file per case, named by sak_id. */
  free(th_runf(1, "%s check --graph " DIR "/sti.dot examples/saker/ > /dev/null", th_norm()));
  free(th_runf(0, "test -s " DIR "/sti-EKS-001.dot && test -s " DIR "/sti-EKS-047.dot && test ! -e " DIR "/sti.dot"));
}

/* The report as a person sees it: headless Chromium renders it, and the checks read the
** rendered DOM; a screenshot and an A4 PDF are kept in build/q-browser/ as artifacts. */
static void test_report_in_a_real_browser(void **state)
{
  (void)state;
  if (!th_chromium()) skip();
  free(th_runf(0, "rm -rf build/q-browser && mkdir -p build/q-browser"));
  free(th_runf(1, "%s check --rules rules --format html -o build/q-browser/rapport.html examples/saksmappe-eksempel.json", th_norm()));
  static const char chrome[] = "timeout 180 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
                               "--no-first-run --user-data-dir=build/q-browser/profil";
  free(th_runf(0, "(%s --dump-dom \"file://$PWD/build/q-browser/rapport.html\" > build/q-browser/dom.html) 2>/dev/null", chrome));
  free(th_runf(0, "(%s --window-size=1280,4000 --screenshot=build/q-browser/rapport.png "
           "\"file://$PWD/build/q-browser/rapport.html\") >/dev/null 2>&1 && test -s build/q-browser/rapport.png", chrome));
  free(th_runf(0, "(%s --no-pdf-header-footer --print-to-pdf=build/q-browser/rapport.pdf "
           "\"file://$PWD/build/q-browser/rapport.html\") >/dev/null 2>&1 && test -s build/q-browser/rapport.pdf", chrome));
  char *dom = th_slurp("build/q-browser/dom.html");
  static const char *const headings[] = {
    "<h1>Vurdering etter Bufdirs faglige retningslinjer</h1>", "<h2>Sak 2024-0193</h2>", "<h3>Oppsummering</h3>",
    "<h3>Funn</h3>", "<h3>Dokumentasjonskrav</h3>", "<h3>Oversikt</h3>",
  };
  for (size_t i = 0; i < sizeof headings / sizeof *headings; i++)
    if (!strstr(dom, headings[i])) fail_msg("the rendered page lacks «%s»", headings[i]);
  char *json = th_runf(1, "%s check --rules rules --format json examples/saksmappe-eksempel.json", th_norm());
  for (const char *p = strstr(json, "\"regel\":\""); p; p = strstr(p + 1, "\"regel\":\"")) {
    char id[64];
    assert_int_equal(sscanf(p + 9, "%63[^\"]", id), 1);
    if (!strstr(dom, id)) fail_msg("the rendered page does not show %s", id);
  }
  /* The diagrams are in the page as SVG nodes: the overview (the case, the guidelines, the
  ** rules by status) and, beside each failing finding, its decisive path. */
  static const char *const nodes[] = { "<title>sak</title>", "<title>retningslinje:0</title>", "<title>status:0:0</title>",
                                       "class=\"node\"", "gjelder T1</text>", "<title>hvorfor:0</title>" };
  for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++)
    if (!strstr(dom, nodes[i])) fail_msg("the rendered diagram lacks «%s»", nodes[i]);
  /* Every diagram's text is readable at A4 width (794 CSS px): measured in the browser, on a
  ** copy of the report with a measuring script (the report itself has none). */
  free(th_runf(0, "cp build/q-browser/rapport.html build/q-browser/maal.html && printf '%%s' "
               "'<script>addEventListener(\"load\",()=>{let m=1e9,n=0;for(const t of document.querySelectorAll(\"svg text\"))"
               "{const r=t.getBoundingClientRect();if(r.height>0){m=Math.min(m,r.height);n++}}"
               "document.body.setAttribute(\"data-minste-tekst\",m.toFixed(2));document.body.setAttribute(\"data-tekster\",n)})</script>' "
               ">> build/q-browser/maal.html"));
  char *measured = th_runf(0, "(%s --window-size=794,1123 --virtual-time-budget=5000 --dump-dom \"file://$PWD/build/q-browser/maal.html\") "
                           "2>/dev/null | grep -o 'data-minste-tekst=\"[0-9.]*\" data-tekster=\"[0-9]*\"'", chrome);
  double smallest = 0;
  int texts = 0;
  if (sscanf(measured, "data-minste-tekst=\"%lf\" data-tekster=\"%d\"", &smallest, &texts) != 2)
    fail_msg("the measurement did not run: %s", measured);
  print_message("minste tekst i diagrammene ved A4-bredde: %.2f px (%d tekster)\n", smallest, texts);
  assert_true(texts > 20);
  if (smallest < 9.0) fail_msg("a diagram text is %.2f px tall at A4 width; at least 9 px is required", smallest);
  free(measured);
  free(th_runf(0, "(%s --window-size=794,3000 --screenshot=build/q-browser/rapport-a4.png "
           "\"file://$PWD/build/q-browser/rapport.html\") >/dev/null 2>&1 && test -s build/q-browser/rapport-a4.png", chrome));
  free(json);
  free(dom);
}

int th_graph_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_golden_dot),
    cmocka_unit_test(test_same_inputs_same_bytes),
    cmocka_unit_test(test_labels_are_escaped_everywhere),
    cmocka_unit_test(test_exception_is_shown),
    cmocka_unit_test(test_html_report),
    cmocka_unit_test(test_bad_graph_options),
    cmocka_unit_test(test_graphviz_loaded_only_to_draw),
    cmocka_unit_test(test_report_in_a_real_browser),
  };
  return cmocka_run_group_tests_name("diagrammer og HTML-rapport", tests, NULL, NULL);
}

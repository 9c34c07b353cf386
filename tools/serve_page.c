/*
** The page at `/` of norm serve (serve_page.h).
*/
#include "serve_page.h"

#include "report_html.h"

static const char *const css =
  "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#111;line-height:1.4}"
  "h1{font-size:1.5rem}label{font-weight:bold}textarea{width:100%;box-sizing:border-box;font-family:'DejaVu Sans Mono',monospace}"
  "input,textarea,button{font-size:1rem}button{padding:.4rem 1.2rem}"
  ":focus{outline:3px solid #1f5fbf;outline-offset:2px}.hjelp{color:#333;margin:.2rem 0 1rem}"
  ".feil{border-left:.5rem solid #b00020;background:#fdecee;padding:.1rem .8rem;margin:1rem 0}"
  "dl.meta{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem}dl.meta dt{font-weight:bold}dl.meta dd{margin:0}";

void page_form(buf *b, const page_info *i)
{
  buf_printf(b, "<!DOCTYPE html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<title>%sVurder en sak – norm</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n"
             "<h1>Vurder en sak etter Bufdirs faglige retningslinjer</h1>\n", i->error ? "Feil: " : "", css);
  if (i->error) {
    buf_puts(b, "<div class=\"feil\" role=\"alert\">\n<h2>Saken kunne ikke vurderes</h2>\n<p>");
    html_escape(b, i->error);
    buf_puts(b, "</p>\n");
    if (i->where && *i->where) {
      buf_puts(b, "<p>Hvor i saksmappen: <code>");
      html_escape(b, i->where);
      buf_puts(b, "</code></p>\n");
    }
    buf_puts(b, "<p>Rett saksmappen og send den på nytt.</p>\n</div>\n");
  }
  buf_puts(b, "<p>Lim inn en saksmappe (JSON i formatet saksmappe/1) eller last opp filen, og få vurderingen: "
              "funnene med begrunnelse, dokumentasjonskravene og beslutningsstien, som rapporten fra "
              "<code>norm check --format html</code>.</p>\n"
              "<form method=\"post\" action=\"/\" enctype=\"multipart/form-data\">\n"
              "<p><label for=\"sak\">Saksmappen</label></p>\n"
              "<textarea id=\"sak\" name=\"sak\" rows=\"16\" spellcheck=\"false\" autocomplete=\"off\" "
              "aria-describedby=\"sak-hjelp\">");
  html_escape(b, i->pasted);
  buf_puts(b, "</textarea>\n<p id=\"sak-hjelp\" class=\"hjelp\">Hele saksmappen som JSON. Laster du opp en fil, "
              "brukes filen i stedet.</p>\n"
              "<p><label for=\"fil\">Eller last opp saksmappen som fil</label></p>\n"
              "<p><input type=\"file\" id=\"fil\" name=\"fil\" accept=\".json,application/json\"></p>\n"
              "<p><label for=\"dato\">Vurderingsdato</label></p>\n"
              "<p><input type=\"date\" id=\"dato\" name=\"dato\" aria-describedby=\"dato-hjelp\" value=\"");
  html_escape(b, i->date);
  buf_puts(b, "\"></p>\n<p id=\"dato-hjelp\" class=\"hjelp\">Valgfri. Uten dato brukes sakens egen vurderingsdato, "
              "ellers dagens dato.</p>\n"
              "<p><button type=\"submit\">Vurder saken</button></p>\n</form>\n"
              "<h2>Regelsettet</h2>\n<dl class=\"meta\"><dt>Navn</dt><dd>");
  html_escape(b, norm_rules_name(i->rules));
  buf_printf(b, "</dd><dt>SHA-256</dt><dd><code>%s</code></dd><dt>Signert av</dt><dd>", norm_rules_digest(i->rules));
  const char *signer = norm_rules_signer(i->rules);
  if (*signer) {
    buf_puts(b, "nøkkelen <code>");
    html_escape(b, signer);
    buf_puts(b, "</code>");
  } else {
    buf_puts(b, "ikke signert");
  }
  buf_puts(b, "</dd></dl>\n<p>Saksmappen sendes bare til denne tjenesten. ");
  buf_puts(b, i->audit ? "Hver vurdering skrives i revisjonsloggen: sakens id og sjekksum, funnene og resultatets "
                         "sjekksum – ikke saksmappen selv.</p>\n"
                       : "Verken saksmappen eller vurderingen lagres.</p>\n");
  buf_puts(b, "</main>\n</body>\n</html>\n");
}

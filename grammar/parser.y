/*
** Grammar of norm rule files. A file is a sequence of declarations; each declaration
** starts with a keyword and runs until the next one, so neither braces nor indentation
** are needed. Pure parser, locations on every node, errors collected (never longjmp).
*/
%code requires {
#include "ast.h"
typedef struct parse_ctx {
  ast_unit *u;
  uint32_t file;
  ast_rule *rule;              /* the rule whose clauses are being read */
  ast_guideline *guide;        /* the guideline whose clauses are being read */
  ast_record *record;          /* the record whose fields are being read */
  ast_typespec *ts;            /* the type whose arguments are being read */
  bool rule_error;             /* a syntax error inside the current rule */
} parse_ctx;
#define YYLTYPE srcloc
#define YYLTYPE_IS_DECLARED 1
#define YYLLOC_DEFAULT(Cur, Rhs, N) do {                      \
    if (N) {                                                  \
      (Cur) = YYRHSLOC(Rhs, 1);                               \
      (Cur).end_line = YYRHSLOC(Rhs, N).end_line;             \
      (Cur).end_col = YYRHSLOC(Rhs, N).end_col;               \
      (Cur).end_off = YYRHSLOC(Rhs, N).end_off;               \
    } else {                                                  \
      (Cur) = YYRHSLOC(Rhs, 0);                               \
      (Cur).line = (Cur).end_line;                            \
      (Cur).col = (Cur).end_col + 1;                          \
      (Cur).off = (Cur).end_off;                              \
    }                                                         \
  } while (0)
}

%code provides {
int yylex(YYSTYPE *lval, YYLTYPE *lloc, void *scanner);
}

%code {
#include <math.h>
#include <stdlib.h>
/* A parser stack that outgrows its first 200 entries grows in the engine's memory: when
** that runs out it is raised (util.h), not reported as an expression nested too deep. */
#define YYMALLOC xmalloc
#define YYFREE free
#include <string.h>
#include "lexer.h"
#include "sema.h"

static void yyerror(YYLTYPE *loc, void *scanner, parse_ctx *pc, const char *msg)
{
  (void)scanner;
  /* bison's own messages are English: the one it can still give here is about its stack */
  if (!strcmp(msg, "memory exhausted"))
    msg = "uttrykket er nøstet for dypt til å leses (for mange parenteser inni hverandre); del det opp med definisjoner";
  diag_at(pc->u->src, DIAG_ERROR, *loc, "%s", msg);
}

static void dup_clause(parse_ctx *pc, srcloc loc, bool already, const char *what)
{
  if (already)
    diag_at(pc->u->src, DIAG_ERROR, loc, "«%s» er allerede gitt for denne %s", what,
            pc->rule ? "regelen" : "retningslinjen");
}

static ast_rule *need_rule(parse_ctx *pc) { return pc->rule; }
}

%define api.pure full
%locations
%define parse.error custom
%lex-param {void *scanner}
%parse-param {void *scanner} {parse_ctx *pc}
/* One benign conflict: after a clause of a rule, `error` may either recover at the clause
** (shift, chosen) or end the rule and recover at the declaration. Clause-level recovery
** keeps the rule and reports later errors in it too. */
%expect 1

%union {
  char *id;
  ast_string str;
  double num;
  int32_t date;
  ast_expr *expr;
  ast_list list;
  ast_typespec *ts;
  int ival;
}

%token START_FILE START_EXPR
%token <id> IDENT "navn" RULEID "regel-id"
%token <str> STRING "tekst i anførselstegn"
%token <num> NUMBER "tall"
%token <date> DATE "dato"
%token RETNINGSLINJE "retningslinje" UTGIVER "utgiver" SIST_OPPDATERT "sist_oppdatert"
%token GJELDER_FRA "gjelder_fra" GJELDER_TIL "gjelder_til" DOKUMENT "dokument" VERSJON "versjon"
%token GJELDER_NAAR "gjelder_når" PARAMETER "parameter" DEFINISJON "definisjon" REGEL "regel"
%token KRAV "krav" BOR "bør" KAN "kan" SITAT "sitat" KILDER "kilder" ALIAS "alias"
%token FOR "for" HVERT "hvert" I "i" DER "der" NAAR "når" UNNTAK "unntak" KREV "krev"
%token MELDING "melding" OPPFYLT "oppfylt" DOKUMENTER "dokumenter" VED "ved" AVVIK "avvik"
%token OG "og" ELLER "eller" IKKE "ikke" FINNES "finnes" ALLE "alle" ANTALL "antall"
%token SANN "sann" USANN "usann" UKJENT "ukjent" BRUK "bruk" REGELSETT "regelsett"
%token SKJEMA "skjema" POST "post" ROT "rot" LISTE "liste" AV "av" PAAKREVD "påkrevd"
%token DAGER "dager" UKER "uker" MAANEDER "måneder" AAR "år"
%token NE "!=" LE "<=" GE ">="
%token COMMENT "kommentar"     /* only from lex_tokens; the parser never sees one */

%type <expr> expr quant or_q and_q not_q or_expr and_expr not_expr cmp_expr add_expr mul_expr unary postfix primary opt_der
%type <list> args arglist
%type <str> string
%type <ival> strength unit cmpop
%type <ts> typespec
%type <str> opt_label

%%

start
  : START_FILE file
  | START_EXPR expr                 { pc->u->parsed_expr = $2; }
  ;

file
  : %empty
  | file decl
  ;

decl
  : guideline
  | rule
  | PARAMETER IDENT '=' expr        { pc->rule = NULL; pc->guide = NULL; pc->record = NULL;
                                      ast_param *p = arena_alloc(&pc->u->mem, sizeof *p);
                                      p->name = $2; p->loc = @2; p->value = $4;
                                      vec_push(&pc->u->params, p); }
  | definition
  | record
  | SKJEMA string ROT IDENT         { pc->rule = NULL; pc->guide = NULL; pc->record = NULL;
                                      if (pc->u->schema.present)
                                        diag_at(pc->u->src, DIAG_ERROR, @1, "skjemaet er allerede deklarert");
                                      pc->u->schema.present = true; pc->u->schema.format = $2;
                                      pc->u->schema.root = $4; pc->u->schema.loc = @4; }
  | REGELSETT string                { pc->rule = NULL; pc->guide = NULL; pc->record = NULL;
                                      if (pc->u->has_ruleset_name)
                                        diag_at(pc->u->src, DIAG_ERROR, @1, "regelsettets navn er allerede gitt");
                                      pc->u->has_ruleset_name = true; pc->u->ruleset_name = $2;
                                      pc->u->ruleset_loc = @2; }
  | BRUK string                     { vec_push(&pc->u->imports, $2); }
  | error                           { pc->rule = NULL; pc->record = NULL; }
  ;

/* ---- guidelines ---- */

guideline
  : RETNINGSLINJE IDENT string      { ast_guideline *g = arena_alloc(&pc->u->mem, sizeof *g);
                                      g->id = $2; g->loc = @2; g->title = $3;
                                      vec_push(&pc->u->guidelines, g);
                                      pc->u->current = g; pc->guide = g; pc->rule = NULL; pc->record = NULL; }
    guide_clauses
  ;

guide_clauses
  : %empty
  | guide_clauses guide_clause
  ;

guide_clause
  : UTGIVER string        { dup_clause(pc, @1, pc->guide->has_publisher, "utgiver");
                            pc->guide->publisher = $2; pc->guide->has_publisher = true; }
  | SIST_OPPDATERT DATE   { dup_clause(pc, @1, pc->guide->has_updated, "sist_oppdatert");
                            pc->guide->updated = $2; pc->guide->has_updated = true; }
  | GJELDER_FRA DATE      { dup_clause(pc, @1, pc->guide->has_from, "gjelder_fra");
                            pc->guide->from = $2; pc->guide->has_from = true; }
  | GJELDER_TIL DATE      { dup_clause(pc, @1, pc->guide->has_to, "gjelder_til");
                            pc->guide->to = $2; pc->guide->has_to = true; }
  | DOKUMENT string       { dup_clause(pc, @1, pc->guide->has_document, "dokument");
                            pc->guide->document = $2; pc->guide->has_document = true; }
  | VERSJON string        { dup_clause(pc, @1, pc->guide->has_version, "versjon");
                            pc->guide->version = $2; pc->guide->has_version = true; }
  | GJELDER_NAAR expr     { dup_clause(pc, @1, pc->guide->cond != NULL, "gjelder_når");
                            pc->guide->cond = $2; }
  | ';'
  ;

/* ---- rules ---- */

rule
  : REGEL RULEID strength string    { ast_rule *r = arena_alloc(&pc->u->mem, sizeof *r);
                                      r->id = $2; r->id_loc = @2; r->loc = @1; r->strength = $3; r->title = $4;
                                      r->guideline = pc->u->current;
                                      if (!pc->u->current)
                                        diag_at(pc->u->src, DIAG_ERROR, @1,
                                                "regelen %s står før enhver «retningslinje»; skriv retningslinjen først i filen", $2);
                                      else
                                        vec_push(&pc->u->current->rules, r);
                                      pc->rule = r; pc->guide = NULL; pc->record = NULL; pc->rule_error = false; }
    rule_clauses                    { ast_rule *r = need_rule(pc);
                                      if (r && !r->check && !pc->rule_error)
                                        diag_at(pc->u->src, DIAG_ERROR, r->id_loc,
                                                "regelen %s mangler «krev»: hva skal kontrolleres?", r->id);
                                      if (!r->guideline) { vec_free(&r->sources); vec_free(&r->aliases); vec_free(&r->docs); }
                                      pc->rule = NULL; }
  ;

strength
  : KRAV  { $$ = STRENGTH_KRAV; }
  | BOR   { $$ = STRENGTH_BOR; }
  | KAN   { $$ = STRENGTH_KAN; }
  ;

rule_clauses
  : %empty
  | rule_clauses rule_clause
  ;

rule_clause
  : SITAT string            { dup_clause(pc, @1, pc->rule->has_quote, "sitat");
                              pc->rule->quote = $2; pc->rule->has_quote = true; }
  | KILDER sources
  | ALIAS RULEID            { vec_push(&pc->rule->aliases, $2); }
  | GJELDER_FRA DATE        { dup_clause(pc, @1, pc->rule->has_from, "gjelder_fra");
                              pc->rule->from = $2; pc->rule->has_from = true; }
  | GJELDER_TIL DATE        { dup_clause(pc, @1, pc->rule->has_to, "gjelder_til");
                              pc->rule->to = $2; pc->rule->has_to = true; }
  | FOR HVERT IDENT I postfix opt_der
                            { dup_clause(pc, @1, pc->rule->var != NULL, "for hvert");
                              pc->rule->var = $3; pc->rule->var_loc = @3;
                              pc->rule->coll = $5; pc->rule->filter = $6; }
  | NAAR expr               { dup_clause(pc, @1, pc->rule->scope != NULL, "når"); pc->rule->scope = $2; }
  | UNNTAK expr             { dup_clause(pc, @1, pc->rule->exception != NULL, "unntak"); pc->rule->exception = $2; }
  | KREV expr               { dup_clause(pc, @1, pc->rule->check != NULL, "krev"); pc->rule->check = $2; }
  | MELDING string          { dup_clause(pc, @1, pc->rule->has_message, "melding");
                              pc->rule->message = $2; pc->rule->has_message = true; }
  | MELDING OPPFYLT string  { dup_clause(pc, @1, pc->rule->has_message_ok, "melding oppfylt");
                              pc->rule->message_ok = $3; pc->rule->has_message_ok = true; }
  | DOKUMENTER IDENT string { ast_docpoint d = { $2, @2, $3, false }; vec_push(&pc->rule->docs, d); }
  | DOKUMENTER IDENT string VED AVVIK
                            { ast_docpoint d = { $2, @2, $3, true }; vec_push(&pc->rule->docs, d); }
  | ';'
  | error
  ;

sources
  : string                  { vec_push(&pc->rule->sources, $1); }
  | sources ',' string      { vec_push(&pc->rule->sources, $3); }
  ;

opt_der
  : %empty                  { $$ = NULL; }
  | DER or_expr             { $$ = $2; }
  ;

/* ---- definitions ---- */

definition
  : DEFINISJON IDENT        { ast_def *d = arena_alloc(&pc->u->mem, sizeof *d);
                              d->name = $2; d->loc = @2; vec_push(&pc->u->defs, d);
                              pc->rule = NULL; pc->guide = NULL; pc->record = NULL; }
    def_params def_phrases '=' expr
                            { pc->u->defs.items[pc->u->defs.len - 1]->body = $7; }
  ;

/* definisjon aktivt(t) "tiltak {t.id} pågår" ikke "tiltak {t.id} har ikke startet eller er avsluttet" = … */
def_phrases
  : %empty
  | string                  { ast_def *d = pc->u->defs.items[pc->u->defs.len - 1];
                              d->phrase = $1; d->has_phrase = true; }
  | string IKKE string      { ast_def *d = pc->u->defs.items[pc->u->defs.len - 1];
                              d->phrase = $1; d->has_phrase = true; d->phrase_false = $3; d->has_phrase_false = true; }
  ;

def_params
  : %empty
  | '(' def_param_list ')'
  ;

def_param_list
  : IDENT                   { ast_def *d = pc->u->defs.items[pc->u->defs.len - 1];
                              vec_push(&d->params, $1); vec_push(&d->param_locs, @1); }
  | def_param_list ',' IDENT
                            { ast_def *d = pc->u->defs.items[pc->u->defs.len - 1];
                              vec_push(&d->params, $3); vec_push(&d->param_locs, @3); }
  ;

/* ---- schema records ---- */

record
  : POST IDENT              { ast_record *r = arena_alloc(&pc->u->mem, sizeof *r);
                              r->name = $2; r->loc = @2; vec_push(&pc->u->records, r);
                              pc->record = r; pc->rule = NULL; pc->guide = NULL; }
    fields
  ;

fields
  : %empty
  | fields IDENT ':' typespec opt_label
                            { ast_fielddecl f = { $2, @2, $4, false, $5, $5.s != NULL }; vec_push(&pc->record->fields, f); }
  | fields IDENT ':' typespec PAAKREVD opt_label
                            { ast_fielddecl f = { $2, @2, $4, true, $6, $6.s != NULL }; vec_push(&pc->record->fields, f); }
  ;

/* planlagt_slutt: dato "planlagt slutt": what people call the fact */
opt_label
  : %empty                  { memset(&$$, 0, sizeof $$); }
  | string
  ;

typespec
  : IDENT                   { $$ = arena_alloc(&pc->u->mem, sizeof *$$); $$->kind = TS_NAME; $$->name = $1; $$->loc = @1; }
  | LISTE AV typespec       { $$ = arena_alloc(&pc->u->mem, sizeof *$$); $$->kind = TS_LIST; $$->elem = $3; $$->loc = @$; }
  | IDENT '('               { $<ts>$ = arena_alloc(&pc->u->mem, sizeof *$<ts>$); $<ts>$->kind = TS_CALL;
                              $<ts>$->name = $1; pc->ts = $<ts>$; vec_push(&pc->u->typespecs, $<ts>$); }
    typeargs ')'            { $$ = $<ts>3; $$->loc = @$; pc->ts = NULL; }
  ;

typeargs
  : typearg
  | typeargs ',' typearg
  ;

typearg
  : string                  { vec_push(&pc->ts->args, $1); ast_string none = { 0 }; vec_push(&pc->ts->arg_labels, none); }
  | string '=' string       { vec_push(&pc->ts->args, $1); vec_push(&pc->ts->arg_labels, $3); }
  | IDENT                   { vec_push(&pc->ts->idargs, $1); }
  ;

/* ---- expressions, lowest precedence first ---- */

expr
  : or_expr
  | or_q
  ;

/* An expression may end in a quantifier, whose body runs to the end of the expression:
** `a og finnes t i tiltak: b eller c` is `a og (finnes t i tiltak: (b eller c))`. */
or_q
  : and_q
  | or_expr ELLER and_q     { $$ = ast_binary(pc->u, BIN_OR, $1, $3, @$); }
  ;

and_q
  : not_q
  | and_expr OG not_q       { $$ = ast_binary(pc->u, BIN_AND, $1, $3, @$); }
  ;

not_q
  : quant
  | IKKE not_q              { $$ = ast_new(pc->u, AST_NOT, @$); $$->u.unary = $2; }
  ;

quant
  : FINNES IDENT I postfix opt_der ':' expr
                            { $$ = ast_new(pc->u, AST_QUANT, @$); $$->u.quant.q = Q_EXISTS;
                              $$->u.quant.var = $2; $$->u.quant.var_loc = @2; $$->u.quant.coll = $4;
                              $$->u.quant.filter = $5; $$->u.quant.body = $7; }
  | ALLE IDENT I postfix opt_der ':' expr
                            { $$ = ast_new(pc->u, AST_QUANT, @$); $$->u.quant.q = Q_ALL;
                              $$->u.quant.var = $2; $$->u.quant.var_loc = @2; $$->u.quant.coll = $4;
                              $$->u.quant.filter = $5; $$->u.quant.body = $7; }
  ;

or_expr
  : or_expr ELLER and_expr  { $$ = ast_binary(pc->u, BIN_OR, $1, $3, @$); }
  | and_expr
  ;

and_expr
  : and_expr OG not_expr    { $$ = ast_binary(pc->u, BIN_AND, $1, $3, @$); }
  | not_expr
  ;

not_expr
  : IKKE not_expr           { $$ = ast_new(pc->u, AST_NOT, @$); $$->u.unary = $2; }
  | cmp_expr
  ;

cmp_expr
  : add_expr
  | add_expr cmpop add_expr { $$ = ast_binary(pc->u, (ast_binop)$2, $1, $3, @$); }
  | add_expr I add_expr     { $$ = ast_binary(pc->u, BIN_IN, $1, $3, @$); }
  ;

cmpop
  : '='  { $$ = BIN_EQ; }
  | NE   { $$ = BIN_NE; }
  | '<'  { $$ = BIN_LT; }
  | LE   { $$ = BIN_LE; }
  | '>'  { $$ = BIN_GT; }
  | GE   { $$ = BIN_GE; }
  ;

add_expr
  : add_expr '+' mul_expr   { $$ = ast_binary(pc->u, BIN_ADD, $1, $3, @$); }
  | add_expr '-' mul_expr   { $$ = ast_binary(pc->u, BIN_SUB, $1, $3, @$); }
  | mul_expr
  ;

mul_expr
  : mul_expr '*' unary      { $$ = ast_binary(pc->u, BIN_MUL, $1, $3, @$); }
  | mul_expr '/' unary      { $$ = ast_binary(pc->u, BIN_DIV, $1, $3, @$); }
  | unary
  ;

unary
  : '-' unary               { $$ = ast_new(pc->u, AST_NEG, @$); $$->u.unary = $2; }
  | postfix
  ;

postfix
  : primary
  | postfix '.' IDENT       { $$ = ast_new(pc->u, AST_FIELD, @$); $$->u.field.base = $1; $$->u.field.name = $3; }
  ;

primary
  : NUMBER                  { $$ = ast_new(pc->u, AST_NUM, @$); $$->u.num = $1; }
  | NUMBER unit             { $$ = ast_new(pc->u, AST_DUR, @$);
                              if ($1 != floor($1) || $1 > 100000)
                                diag_at(pc->u->src, DIAG_ERROR, @1, "en varighet må være et helt antall (høyst 100000)");
                              int32_t n = $1 > 100000 ? 100000 : (int32_t)$1;
                              if ($2 == 0) { $$->u.dur.days = n; }
                              else if ($2 == 1) { $$->u.dur.days = 7 * n; }
                              else if ($2 == 2) { $$->u.dur.months = n; }
                              else { $$->u.dur.months = 12 * n; } }
  | string                  { $$ = ast_new(pc->u, AST_STR, @$); $$->u.str.s = $1.s; $$->u.str.len = $1.len; }
  | DATE                    { $$ = ast_new(pc->u, AST_DATE, @$); $$->u.date = $1; }
  | SANN                    { $$ = ast_new(pc->u, AST_BOOL, @$); $$->u.boolean = true; }
  | USANN                   { $$ = ast_new(pc->u, AST_BOOL, @$); $$->u.boolean = false; }
  | UKJENT                  { $$ = ast_new(pc->u, AST_UNKNOWN, @$); }
  | IDENT                   { $$ = ast_new(pc->u, AST_NAME, @$); $$->u.name.name = $1; }
  | IDENT '(' args ')'      { $$ = ast_new(pc->u, AST_CALL, @$); $$->u.call.name = $1;
                              $$->u.call.name_loc = @1; $$->u.call.args = $3; $$->u.call.builtin = -1; }
  | '(' expr ')'            { $$ = $2; $$->loc = @$; }
  | '[' args ']'            { $$ = ast_new(pc->u, AST_LIST, @$); $$->u.list = $2; }
  | ANTALL '(' IDENT I postfix opt_der ')'
                            { $$ = ast_new(pc->u, AST_QUANT, @$); $$->u.quant.q = Q_COUNT;
                              $$->u.quant.var = $3; $$->u.quant.var_loc = @3; $$->u.quant.coll = $5;
                              $$->u.quant.filter = $6; }
  ;

unit
  : DAGER     { $$ = 0; }
  | UKER      { $$ = 1; }
  | MAANEDER  { $$ = 2; }
  | AAR       { $$ = 3; }
  ;

args
  : %empty                  { $$.items = NULL; $$.len = 0; }
  | arglist
  ;

arglist
  : expr                    { $$.items = NULL; $$.len = 0; ast_list_push(pc->u, &$$, $1); }
  | arglist ',' expr        { $$ = $1; ast_list_push(pc->u, &$$, $3); }
  ;

string
  : STRING
  | string STRING           { $$ = $1; char *s = arena_alloc(&pc->u->mem, $1.len + $2.len + 1);
                              memcpy(s, $1.s, $1.len); memcpy(s + $1.len, $2.s, $2.len);
                              $$.s = s; $$.len = $1.len + $2.len; $$.loc = loc_join($1.loc, $2.loc); }
  ;

%%

/* Token names as a Norwegian reader should see them: «krev», «=», tekst i anførselstegn. */
static void put_symbol(buf *b, yysymbol_kind_t sym)
{
  if (sym == YYSYMBOL_YYEOF) { buf_puts(b, "slutten av filen"); return; }
  const char *n = yysymbol_name(sym);
  size_t len = strlen(n);
  if (len >= 2 && (n[0] == '"' || n[0] == '\'')) { n++; len -= 2; }
  static const char *const plain[] = { "navn", "regel-id", "tekst i anførselstegn", "tall", "dato" };
  for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
    if (strlen(plain[i]) == len && !strncmp(n, plain[i], len)) { buf_put(b, n, len); return; }
  buf_printf(b, "«%.*s»", (int)len, n);
}

/* The keywords (the tokens from «retningslinje» to «år») among the expected symbols when
** given, else all of them. Returns how many names it put in out. */
static size_t keyword_names(const yysymbol_kind_t *syms, int nsyms, const char **out, size_t max)
{
  size_t n = 0;
  int count = nsyms > 0 ? nsyms : YYNTOKENS;
  for (int i = 0; i < count && n < max; i++) {
    yysymbol_kind_t k = nsyms > 0 ? syms[i] : (yysymbol_kind_t)i;
    if (k >= YYSYMBOL_RETNINGSLINJE && k <= YYSYMBOL_AAR) out[n++] = yysymbol_name(k);
  }
  return n;
}

/* «mente du …?» for a misspelt keyword or unit (the name where a keyword was expected), or
** for a misspelt «antall(» earlier on the line, whose argument is then not an expression. */
static void suggest_keyword(buf *b, const yypcontext_t *ctx, parse_ctx *pc, const yysymbol_kind_t *expected, int n)
{
  const srcloc *at = yypcontext_location(ctx);
  const srcfile *f = &pc->u->src->files.items[at->file];
  const char *cands[128];
  if (yypcontext_token(ctx) == YYSYMBOL_IDENT && at->end_off > at->off && at->end_off - at->off < 64) {
    char word[64];
    snprintf(word, sizeof word, "%.*s", (int)(at->end_off - at->off), f->text + at->off);
    size_t k = keyword_names(expected, n > 0 && n <= 5 ? n : 0, cands, 128);
    size_t before = b->len;
    sema_suggest(b, word, cands, k);
    if (b->len == before && n > 0 && n <= 5) sema_suggest(b, word, cands, keyword_names(NULL, 0, cands, 128));
    if (b->len > before) return;
  }
  /* a name followed by «(» earlier on the same line, close to «antall» */
  uint32_t line_start = at->off;
  while (line_start > 0 && f->text[line_start - 1] != '\n') line_start--;
  for (uint32_t i = line_start; i < at->off; i++) {
    if (f->text[i] != '(' || i == line_start) continue;
    uint32_t j = i;
    while (j > line_start && (((unsigned char)f->text[j - 1] >= 0x80) || (f->text[j - 1] >= 'a' && f->text[j - 1] <= 'z') ||
                              f->text[j - 1] == '_'))
      j--;
    if (j == i || i - j >= 32) continue;
    char word[32];
    snprintf(word, sizeof word, "%.*s", (int)(i - j), f->text + j);
    static const char *const counting[] = { "antall" };
    buf probe;
    buf_init(&probe);
    oom_cleanup hold;
    oom_hold_buf(&hold, &probe);
    if (strcmp(word, "antall")) sema_suggest(&probe, word, counting, 1);
    bool close = probe.len > 0;
    oom_pop(&hold);
    buf_free(&probe);
    if (close) {
      buf_printf(b, " – «%s(» er ingen funksjon; mente du «antall(x i liste der …)»?", word);
      return;
    }
  }
}

/* What another language would write: «and», «OG» or «true» as the unexpected name, or as
** the word just before it («not barn.x» stops at «barn»). (The lexer names «&&», «||»,
** «!» and «==».) */
static bool suggest_native(buf *b, const yypcontext_t *ctx, parse_ctx *pc)
{
  const srcloc *at = yypcontext_location(ctx);
  const char *text = pc->u->src->files.items[at->file].text;
  yysymbol_kind_t got = yypcontext_token(ctx);
  if (got == YYSYMBOL_IDENT && sema_suggest_native(b, text + at->off, at->end_off - at->off)) return true;
  uint32_t end = at->off;
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) end--;
  uint32_t start = end;
  while (start > 0 && end - start < 16 && ((text[start - 1] >= 'a' && text[start - 1] <= 'z') ||
                                           (text[start - 1] >= 'A' && text[start - 1] <= 'Z')))
    start--;
  return start < end && (start == 0 || !(text[start - 1] == '_' || text[start - 1] == '.' || text[start - 1] == '"' ||
                                         (unsigned char)text[start - 1] >= 0x80 ||
                                         (text[start - 1] >= '0' && text[start - 1] <= '9'))) &&
         sema_suggest_native(b, text + start, end - start);
}

static int yyreport_syntax_error(const yypcontext_t *ctx, void *scanner, parse_ctx *pc)
{
  (void)scanner;
  buf b, hint;
  buf_init(&b);
  buf_init(&hint);
  oom_cleanup hold_b, hold_hint;
  oom_hold_buf(&hold_b, &b);
  oom_hold_buf(&hold_hint, &hint);
  yysymbol_kind_t got = yypcontext_token(ctx);
  buf_puts(&b, "uventet ");
  put_symbol(&b, got);
  const srcloc *at = yypcontext_location(ctx);
  if (got == YYSYMBOL_IDENT && at->end_off > at->off && at->end_off - at->off < 64)
    buf_printf(&b, " «%.*s»", (int)(at->end_off - at->off), pc->u->src->files.items[at->file].text + at->off);
  yysymbol_kind_t expected[6];
  int n = yypcontext_expected_tokens(ctx, expected, 6);
  if (!suggest_native(&hint, ctx, pc)) suggest_keyword(&hint, ctx, pc, expected, n);
  if (n > 0 && n <= 5) {
    buf_puts(&b, "; forventet ");
    for (int i = 0; i < n; i++) {
      if (i) buf_puts(&b, i == n - 1 ? " eller " : ", ");
      put_symbol(&b, expected[i]);
    }
  }
  if (pc->rule) {
    buf_printf(&b, " (i regel %s)", pc->rule->id);
    pc->rule_error = true;
  }
  if (hint.len) buf_puts(&b, hint.data);
  diag_at(pc->u->src, DIAG_ERROR, *yypcontext_location(ctx), "%s", b.data);
  oom_pop(&hold_hint);
  oom_pop(&hold_b);
  buf_free(&hint);
  buf_free(&b);
  return 0;
}

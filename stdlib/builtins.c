/*
** The built-in functions. Every function is total: an unknown argument gives an
** unknown result, never a guess.
*/
#include "builtins.h"

#include <string.h>

#include "../engine/bytecode.h"
#include "../engine/date.h"
#include "../engine/vm.h"

static value f_alder(struct vm *m, const value *a)
{
  if (a[0].tag != V_DATE) return v_unknown();
  return v_num(date_age(a[0].u.date, vm_today(m)));
}

static value f_alder_ved(struct vm *m, const value *a)
{
  (void)m;
  if (a[0].tag != V_DATE || a[1].tag != V_DATE) return v_unknown();
  return v_num(date_age(a[0].u.date, a[1].u.date));
}

static value f_dager_mellom(struct vm *m, const value *a)
{
  (void)m;
  if (a[0].tag != V_DATE || a[1].tag != V_DATE) return v_unknown();
  return v_num((double)a[1].u.date - (double)a[0].u.date);
}

static value f_maaneder_mellom(struct vm *m, const value *a)
{
  (void)m;
  if (a[0].tag != V_DATE || a[1].tag != V_DATE) return v_unknown();
  return v_num(date_months_between(a[0].u.date, a[1].u.date));
}

static value f_aar_mellom(struct vm *m, const value *a)
{
  (void)m;
  if (a[0].tag != V_DATE || a[1].tag != V_DATE) return v_unknown();
  return v_num(date_age(a[0].u.date, a[1].u.date));
}

static value f_lengde(struct vm *m, const value *a)
{
  (void)m;
  if (a[0].tag == V_LIST) return v_num(a[0].u.list->n);
  if (a[0].tag == V_STR) return v_num((double)utf8_width(a[0].u.str->s, a[0].u.str->len));
  return v_unknown();
}

static value f_inneholder(struct vm *m, const value *a)
{
  (void)m;
  if (a[0].tag != V_STR || a[1].tag != V_STR) return v_unknown();
  const nstr *h = a[0].u.str, *n = a[1].u.str;
  if (n->len == 0) return v_bool(true);
  for (uint32_t i = 0; i + n->len <= h->len; i++)
    if (!memcmp(h->s + i, n->s, n->len)) return v_bool(true);
  return v_bool(false);
}

static value f_gjelder_regel(struct vm *m, const value *a)
{
  if (a[0].tag != V_STR) return v_unknown();
  return v_bool(vm_is_current_rule(m, a[0].u.str));
}

static value f_gjelder_element(struct vm *m, const value *a)
{
  if (a[0].tag != V_STR) return v_unknown();
  return v_bool(vm_is_current_item(m, a[0].u.str));
}

const std_builtin std_builtins[] = {
  { "alder", 1, { TY_DATE }, TY_NUM, f_alder, 0,
    "alder(fødselsdato): hele år fylt på vurderingsdatoen" },
  { "alder_ved", 2, { TY_DATE, TY_DATE }, TY_NUM, f_alder_ved, 0,
    "alder_ved(fødselsdato, dato): hele år fylt på datoen" },
  { "dager_mellom", 2, { TY_DATE, TY_DATE }, TY_NUM, f_dager_mellom, 0,
    "dager_mellom(a, b): antall dager fra a til b" },
  { "måneder_mellom", 2, { TY_DATE, TY_DATE }, TY_NUM, f_maaneder_mellom, 0,
    "måneder_mellom(a, b): hele kalendermåneder fra a til b" },
  { "år_mellom", 2, { TY_DATE, TY_DATE }, TY_NUM, f_aar_mellom, 0,
    "år_mellom(a, b): hele år fra a til b" },
  { "lengde", 1, { STD_ANY }, TY_NUM, f_lengde, 0,
    "lengde(x): antall elementer i en liste, eller tegn i en tekst" },
  { "inneholder", 2, { TY_TEXT, TY_TEXT }, TY_BOOL, f_inneholder, 0,
    "inneholder(tekst, del): om teksten inneholder delen" },
  { "gjelder_regel", 1, { TY_TEXT }, TY_BOOL, f_gjelder_regel, 0,
    "gjelder_regel(x): om x er id-en (eller et alias) til regelen som vurderes" },
  { "gjelder_element", 1, { TY_TEXT }, TY_BOOL, f_gjelder_element, 0,
    "gjelder_element(x): om x er id-en til elementet (tiltaket, vedtaket) som vurderes" },
  { "skrevet", 1, { STD_ANY }, TY_BOOL, NULL, STD_SPECIAL_WRITTEN,
    "skrevet(x): om x står i saksmappen: usann for manglende, null, tom eller blank verdi (aldri ukjent)" },
  { "mangler", 1, { STD_ANY }, TY_BOOL, NULL, STD_SPECIAL_MISSING,
    "mangler(x): om x mangler eller er null i saksmappen (aldri ukjent)" },
  { "samsvarer", 2, { TY_TEXT, TY_TEXT }, TY_BOOL, NULL, STD_SPECIAL_MATCH,
    "samsvarer(tekst, \"mønster\"): regulært uttrykk (PCRE2, UTF-8); ukjent hvis grensene nås" },
  { "registrert", 1, { STD_ANY_LIST }, STD_ANY_LIST, NULL, STD_SPECIAL_OR_EMPTY,
    "registrert(liste): oppføringene i saksmappen; en liste som mangler, har ingen oppføringer (for registreringstester)" },
};

const size_t std_nbuiltins = sizeof std_builtins / sizeof *std_builtins;

int std_lookup(const char *name)
{
  for (size_t i = 0; i < std_nbuiltins; i++)
    if (!strcmp(std_builtins[i].name, name)) return (int)i;
  return -1;
}

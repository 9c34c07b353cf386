/*
** Dates per the catalogue's conventions: calendar months clamped to month end,
** whole-year ages with 29 February, leap years.
*/
#include "helpers.h"
#include "date.h"

static int32_t d(const char *s)
{
  int32_t v = 0;
  assert_true(date_parse(s, 10, &v));
  return v;
}

/* Day numbers to dates, day by day from the year -200 to past 9999 against a calendar kept
** by counting (across 0000-03-01, where date_to_ymd's unsigned arithmetic begins), and back. */
static void test_every_day_counted(void **state)
{
  (void)state;
  int y = -200, m = 1, dd = 1;
  static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  for (int32_t z = date_from_ymd(y, m, dd); y <= 10100; z++) {
    int gy, gm, gd;
    date_to_ymd(z, &gy, &gm, &gd);
    if (gy != y || gm != m || gd != dd) fail_msg("%d: %d-%d-%d, ventet %d-%d-%d", (int)z, gy, gm, gd, y, m, dd);
    assert_int_equal(date_from_ymd(gy, gm, gd), z);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (++dd > days[m - 1] + (m == 2 && leap)) {
      dd = 1;
      if (++m > 12) m = 1, y++;
    }
  }
}

static void test_parse_is_strict(void **state)
{
  (void)state;
  int32_t v;
  assert_true(date_parse("2024-02-29", 10, &v));
  assert_false(date_parse("2023-02-29", 10, &v));   /* not a leap year */
  assert_false(date_parse("1900-02-29", 10, &v));   /* century, not leap */
  assert_true(date_parse("2000-02-29", 10, &v));    /* 400-year leap */
  assert_false(date_parse("15.05.2024", 10, &v));
  assert_false(date_parse("2024-5-15", 9, &v));
  assert_false(date_parse("2024-13-01", 10, &v));
  assert_false(date_parse("2024-04-31", 10, &v));
  /* a byte that is not a digit, in any digit's place, just below or above the digits */
  static const char not_digit[] = { '/', ':', 'a', ' ', '-', '\0', (char)0xC3 };
  for (int at = 0; at < 10; at++)
    for (size_t k = 0; k < sizeof not_digit && at != 4 && at != 7; k++) {
      char s[11] = "2024-05-15";
      s[at] = not_digit[k];
      assert_false(date_parse(s, 10, &v));
    }
  /* every day the format has, back to itself, and every month and day number 00–39 of
  ** some years as date_valid_ymd judges them */
  for (int32_t day = date_from_ymd(DATE_MIN_YEAR, 1, 1); day <= date_from_ymd(DATE_MAX_YEAR, 12, 31); day++) {
    char text[11];
    date_format(day, text);
    assert_true(date_parse(text, 10, &v));
    assert_int_equal(v, day);
  }
  static const int years[] = { 0, 1, 4, 100, 399, 400, 1900, 1999, 2000, 2023, 2024, 2100, 9996, 9999 };
  for (size_t i = 0; i < sizeof years / sizeof *years; i++)
    for (int m = 0; m < 20; m++)
      for (int day = 0; day < 40; day++) {
        char s[40];
        snprintf(s, sizeof s, "%04d-%02d-%02d", years[i], m, day);
        bool valid = date_valid_ymd(years[i], m, day);
        assert_int_equal(date_parse(s, 10, &v), valid);
        if (valid) assert_int_equal(v, date_from_ymd(years[i], m, day));
      }
  /* every byte value in every place, against the format read one character at a time */
  for (int at = 0; at < 10; at++)
    for (int c = 0; c < 256; c++) {
      char s[11] = "2024-05-15";
      s[at] = (char)c;
      bool shape = true;
      int n[3] = { 0, 0, 0 }, part = 0;
      for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) { shape &= s[i] == '-'; part++; continue; }
        shape &= s[i] >= '0' && s[i] <= '9';
        n[part] = n[part] * 10 + (s[i] - '0');
      }
      bool valid = shape && date_valid_ymd(n[0], n[1], n[2]);
      assert_int_equal(date_parse(s, 10, &v), valid);
    }
  char out[11];
  date_format(d("2024-05-15"), out);
  assert_string_equal(out, "2024-05-15");
  date_format_nb(d("2024-05-15"), out);
  assert_string_equal(out, "15.05.2024");
}

static void test_months_clamp_to_month_end(void **state)
{
  (void)state;
  assert_int_equal(date_add_months(d("2024-05-15"), 6), d("2024-11-15"));
  assert_int_equal(date_add_months(d("2024-08-31"), 6), d("2025-02-28"));
  assert_int_equal(date_add_months(d("2023-08-31"), 6), d("2024-02-29"));
  assert_int_equal(date_add_months(d("2024-01-31"), 1), d("2024-02-29"));
  assert_int_equal(date_add_months(d("2024-03-31"), -1), d("2024-02-29"));
  assert_int_equal(date_add_months(d("2024-12-15"), 1), d("2025-01-15"));
  assert_int_equal(date_add(d("2024-05-15"), 0, 42), d("2024-06-26"));
}

static void test_age_whole_years(void **state)
{
  (void)state;
  assert_int_equal(date_age(d("2009-10-01"), d("2024-09-30")), 14);
  assert_int_equal(date_age(d("2009-10-01"), d("2024-10-01")), 15);    /* 15 from the birthday */
  /* born 29 February: a year older on 1 March in common years */
  assert_int_equal(date_age(d("2008-02-29"), d("2023-02-28")), 14);
  assert_int_equal(date_age(d("2008-02-29"), d("2023-03-01")), 15);
  assert_int_equal(date_age(d("2008-02-29"), d("2024-02-29")), 16);
  assert_int_equal(date_age(d("2024-10-02"), d("2024-10-01")), -1);
}

static void test_months_between(void **state)
{
  (void)state;
  assert_int_equal(date_months_between(d("2024-05-15"), d("2024-08-15")), 3);
  assert_int_equal(date_months_between(d("2024-05-15"), d("2024-08-14")), 2);
  assert_int_equal(date_months_between(d("2024-08-31"), d("2025-02-28")), 6);
}

int th_date_tests(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_every_day_counted),
    cmocka_unit_test(test_parse_is_strict),
    cmocka_unit_test(test_months_clamp_to_month_end),
    cmocka_unit_test(test_age_whole_years),
    cmocka_unit_test(test_months_between),
  };
  return cmocka_run_group_tests_name("datoer", tests, NULL, NULL);
}

/*
** Date arithmetic. Days-from-civil after Howard Hinnant's public-domain algorithms.
*/
#include "date.h"

#include <time.h>

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int y, int m)
{
  static const int n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  return m == 2 && leap(y) ? 29 : n[m - 1];
}

bool date_valid_ymd(int y, int m, int d)
{
  return y >= DATE_MIN_YEAR && y <= DATE_MAX_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

int32_t date_from_ymd(int y, int m, int d)
{
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(int32_t z, int *y, int *m, int *d)
{
  z += 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int yy = yoe + era * 400;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

bool date_parse(const char *s, size_t len, int32_t *out)
{
  if (len != 10 || s[4] != '-' || s[7] != '-') return false;
  /* the eight digits, all checked before any is used (no branch per digit: a case has many dates) */
  static const uint8_t at[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };
  unsigned d[8], bad = 0;
  for (int i = 0; i < 8; i++) {
    d[i] = (unsigned)((unsigned char)s[at[i]] - '0');
    bad |= d[i] > 9;
  }
  if (bad) return false;
  int y = (int)(d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]), m = (int)(d[4] * 10 + d[5]), day = (int)(d[6] * 10 + d[7]);
  if (!date_valid_ymd(y, m, day)) return false;
  *out = date_from_ymd(y, m, day);
  return true;
}

static void digits(char *out, int v, int n)
{
  for (int i = n - 1; i >= 0; i--, v /= 10) out[i] = (char)('0' + v % 10);
}

void date_format(int32_t days, char out[11])
{
  int y, m, d;
  date_to_ymd(days, &y, &m, &d);
  if (y < 0) y = 0;
  digits(out, y % 10000, 4);
  out[4] = '-';
  digits(out + 5, m, 2);
  out[7] = '-';
  digits(out + 8, d, 2);
  out[10] = 0;
}

void date_format_nb(int32_t days, char out[11])
{
  int y, m, d;
  date_to_ymd(days, &y, &m, &d);
  if (y < 0) y = 0;
  digits(out, d, 2);
  out[2] = '.';
  digits(out + 3, m, 2);
  out[5] = '.';
  digits(out + 6, y % 10000, 4);
  out[10] = 0;
}

int32_t date_add_months(int32_t days, int32_t months)
{
  int y, m, d;
  date_to_ymd(days, &y, &m, &d);
  long total = (long)y * 12 + (m - 1) + months;
  int ny = (int)(total / 12), nm = (int)(total % 12) + 1;
  if (nm <= 0) { nm += 12; ny--; }
  if (ny < DATE_MIN_YEAR) return date_from_ymd(DATE_MIN_YEAR, 1, 1);
  if (ny > DATE_MAX_YEAR) return date_from_ymd(DATE_MAX_YEAR, 12, 31);
  int md = month_days(ny, nm);
  return date_from_ymd(ny, nm, d > md ? md : d);
}

int32_t date_add(int32_t days, int32_t months, int32_t ddays)
{
  return date_add_months(days, months) + ddays;
}

int date_age(int32_t birth, int32_t at)
{
  int by, bm, bd, ay, am, ad;
  date_to_ymd(birth, &by, &bm, &bd);
  date_to_ymd(at, &ay, &am, &ad);
  int age = ay - by;
  /* Birthday not yet reached this year: compare (month, day); 29 Feb births reach
  ** theirs on 1 March in common years, since (2,28) < (2,29). */
  if (am < bm || (am == bm && ad < bd)) age--;
  return age;
}

int date_months_between(int32_t a, int32_t b)
{
  if (b < a) return -date_months_between(b, a);
  int ay, am, ad, by, bm, bd;
  date_to_ymd(a, &ay, &am, &ad);
  date_to_ymd(b, &by, &bm, &bd);
  int n = (by - ay) * 12 + (bm - am);
  while (n > 0 && date_add_months(a, n) > b) n--;
  return n;
}

int32_t date_today(void)
{
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/*
** Date arithmetic. Days-from-civil after Howard Hinnant's public-domain algorithms.
*/
#include "date.h"

#include <stdint.h>
#include <string.h>
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
  if (z >= -719468 && z <= INT32_MAX - 719468) {
    /* from 0000-03-01 on (every date a case can hold): the same in unsigned arithmetic,
    ** whose divisions by constants are a multiplication each, without fixing up signs */
    uint32_t u = (uint32_t)(z + 719468);
    uint32_t era = u / 146097, doe = u - era * 146097;
    uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    uint32_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400) + (*m <= 2);
    return;
  }
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

/* w's bytes in memory order, the first in the low byte (as x86 and ARM load them). */
static inline uint64_t load_le64(const char *s)
{
  uint64_t w;
  memcpy(&w, s, sizeof w);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  w = __builtin_bswap64(w);
#endif
  return w;
}

bool date_parse(const char *s, size_t len, int32_t *out)
{
  if (len != 10) return false;
  /* «YYYY-MM-» as one word and «DD» as another, each XORed with what a date has there:
  ** every byte is then 0 for a dash and 0–9 for a digit. Anything else in a digit's place
  ** has a bit in the byte's high half either before or after 6 is added to it (a byte of
  ** 0xFA or more, whose sum carries into the next, has one before); a dash's place must be
  ** 0. No branch per digit: a case has many dates. */
  uint64_t w = load_le64(s) ^ 0x2D30302D30303030ull;
  uint32_t t = ((uint32_t)(uint8_t)s[8] | (uint32_t)(uint8_t)s[9] << 8) ^ 0x3030u;
  if (((w | (w + 0x0606060606060606ull)) & 0xF0F0F0F0F0F0F0F0ull) | (w & 0xFF0000FF00000000ull) | ((t | (t + 0x0606u)) & 0xF0F0u))
    return false;
  unsigned y = (unsigned)(w & 0xF) * 1000 + (unsigned)(w >> 8 & 0xF) * 100 + (unsigned)(w >> 16 & 0xF) * 10 + (unsigned)(w >> 24 & 0xF);
  unsigned m = (unsigned)(w >> 40 & 0xF) * 10 + (unsigned)(w >> 48 & 0xF);
  unsigned day = (t & 0xF) * 10 + (t >> 8 & 0xF);
  /* (a day up to the 28th is in every month: no leap-year arithmetic for most dates) */
  if (y < DATE_MIN_YEAR || m - 1 > 11 || day - 1 > 27 + 3 || (day > 28 && (int)day > month_days((int)y, (int)m))) return false;
  *out = date_from_ymd((int)y, (int)m, (int)day);
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

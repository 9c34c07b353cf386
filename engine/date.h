/*
** Calendar dates as days since 1970-01-01 (proleptic Gregorian), and the date
** arithmetic the catalogue's conventions fix: calendar months clamped to the month's
** end, whole-year ages (a child born 29 February turns a year older on 1 March in
** common years), weeks of 7 days.
*/
#ifndef NORM_DATE_H
#define NORM_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DATE_MIN_YEAR 1
#define DATE_MAX_YEAR 9999

int32_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int32_t days, int *y, int *m, int *d);
bool date_valid_ymd(int y, int m, int d);
/* Exactly YYYY-MM-DD with a real calendar date; nothing else is a date. */
bool date_parse(const char *s, size_t len, int32_t *out);
/* Writes YYYY-MM-DD (11 bytes with NUL). */
void date_format(int32_t days, char out[11]);
/* Writes DD.MM.YYYY, the form caseworkers read (11 bytes with NUL). */
void date_format_nb(int32_t days, char out[11]);

int32_t date_add_months(int32_t days, int32_t months);    /* clamps to month end */
/* Adds a duration of months and days (months first). */
int32_t date_add(int32_t days, int32_t months, int32_t ddays);
/* Whole years from `birth` to `at`; negative if at < birth. */
int date_age(int32_t birth, int32_t at);
/* Whole calendar months from a to b (b >= a), counted forward from a with clamping. */
int date_months_between(int32_t a, int32_t b);
/* Today in UTC. */
int32_t date_today(void);

#endif

/*
** Whether a rule's `sitat` stands verbatim in the document its guideline cites (`norm lint
** --kilder`). White space, list bullets («•») and table-cell boundaries («|» in a quote) do
** not count (the source texts run cells together and break lines where a quote cannot);
** «[…]» in a quote marks an omission: the parts around it must stand in the document in
** that order.
*/
#ifndef NORM_QUOTE_H
#define NORM_QUOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* True when the quote is found; else false with what is not found, in words, in why. */
bool quote_in_text(const char *doc, size_t doclen, const char *quote, buf *why);

#endif

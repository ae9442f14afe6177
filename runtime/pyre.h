/* pyre.h - BCC's regular expressions: Python's `re` syntax (\d, (?:...),
 * \., (?P<n>...)) through PCRE2, matched as BCC's Python calls them.
 *
 * BCC anchors its expressions at the start (re.match: tp_re, sym_re) or at
 * both ends (re.fullmatch: get_kprobe_functions, event_re); never a search.
 */
#ifndef BL_PYRE_H
#define BL_PYRE_H

#include "err.h"

enum bl_re_mode {
	BL_RE_MATCH,		/* Python's re.match: anchored at the start */
	BL_RE_FULLMATCH,	/* Python's re.fullmatch: the whole subject */
};

struct bl_re;

/* Compiles pattern; returns 0, or -EINVAL with PCRE2's message and the
 * offset of the error in e. */
int bl_re_compile(const char *pattern, enum bl_re_mode mode, struct bl_re **re,
		  struct bl_err *e);
/* 1 when subject matches, else 0. */
int bl_re_test(struct bl_re *re, const char *subject);
void bl_re_free(struct bl_re *re);

#endif

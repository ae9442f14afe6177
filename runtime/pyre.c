/* pyre.c - see pyre.h */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "pyre.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

struct bl_re {
	pcre2_code *code;
	pcre2_match_data *md;
	uint32_t opts;
};

int bl_re_compile(const char *pattern, enum bl_re_mode mode, struct bl_re **re,
		  struct bl_err *e)
{
	struct bl_re *r = calloc(1, sizeof(*r));
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE where;
	int code;

	*re = NULL;
	if (!r)
		return bl_errf(e, ENOMEM, "out of memory");
	/* Python's $ also matches before a final newline, as PCRE2's default. */
	r->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0,
				&code, &where, NULL);
	if (!r->code) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		free(r);
		return bl_errf(e, EINVAL, "invalid regular expression '%s': %s at offset %zu",
			       pattern, (char *)msg, (size_t)where);
	}
	r->md = pcre2_match_data_create_from_pattern(r->code, NULL);
	if (!r->md) {
		pcre2_code_free(r->code);
		free(r);
		return bl_errf(e, ENOMEM, "out of memory");
	}
	r->opts = PCRE2_ANCHORED | (mode == BL_RE_FULLMATCH ? PCRE2_ENDANCHORED : 0);
	*re = r;
	return 0;
}

int bl_re_test(struct bl_re *re, const char *subject)
{
	return pcre2_match(re->code, (PCRE2_SPTR)subject, strlen(subject), 0, re->opts,
			   re->md, NULL) >= 0;
}

void bl_re_free(struct bl_re *re)
{
	if (!re)
		return;
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	free(re);
}

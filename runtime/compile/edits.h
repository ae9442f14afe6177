/* edits.h - a list of text replacements, applied at once.
 *
 * Rewriter visitors record (offset range -> text) edits against the text
 * that was parsed; bl_edits_apply() produces the rewritten text. A
 * replacement never changes the line count: when it removes newlines, as
 * many are added at its end, so later lines keep their numbers.
 */
#ifndef BL_COMPILE_EDITS_H
#define BL_COMPILE_EDITS_H

#include <stddef.h>

#include "../err.h"

struct bl_edit {
	size_t start, end;	/* [start, end) in the original text */
	char *text;		/* replacement (malloc'd) */
	int seq;		/* insertion order, for edits at the same offset */
};

struct bl_edits {
	struct bl_edit *v;
	int n, cap;
};

/* Records a replacement (an insertion when start == end). 0 or -ENOMEM. */
int bl_edits_add(struct bl_edits *ed, size_t start, size_t end, const char *text);
int bl_edits_addf(struct bl_edits *ed, size_t start, size_t end, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Builds the edited text (malloc'd) into *out. Identical duplicate edits
 * (a macro expanded twice) apply once; other overlaps are -EINVAL. */
int bl_edits_apply(struct bl_edits *ed, const char *text, size_t len, char **out,
		   struct bl_err *e);

void bl_edits_free(struct bl_edits *ed);

#endif

/* diag.h - libclang diagnostics as text, in the user's terms: the user's
 * file name, line:column, the source line and a caret. */
#ifndef BL_COMPILE_DIAG_H
#define BL_COMPILE_DIAG_H

#include <clang-c/Index.h>

#include "../err.h"

struct bl_diags {
	char *errors;		/* when there is an error: its source line and notes,
				 * then the other diagnostics, then "(N errors in
				 * all)"; else NULL */
	char *warnings;		/* warnings (and their notes) when there is no error */
	char first_error[BL_ERR_MSG_MAX];	/* "<file>:<line>:<col>: error: <text>" */
	int n_errors;
};

/* main_text is the user's text (shown in source lines); name is its display
 * name. Returns 0 or -ENOMEM. */
int bl_diags_collect(CXTranslationUnit tu, CXFile main, const char *main_text,
		     const char *name, struct bl_diags *d);
void bl_diags_free(struct bl_diags *d);

#endif

/* rewrite.h - BCC dialect -> plain C, with libclang.
 *
 * Parses the program (after prepass.h's fixes) with the prelude, reports
 * clang's diagnostics with the user's file name, lines and columns, then runs
 * the visitors over every cursor of the user's file. Visitors only record
 * edits (edits.h); the rewritten text is built once at the end, keeping every
 * line where it was. A new dialect feature is a new visitor in the table in
 * rewrite.c.
 */
#ifndef BL_COMPILE_REWRITE_H
#define BL_COMPILE_REWRITE_H

#include <clang-c/Index.h>
#include <stddef.h>

#include "edits.h"
#include "env.h"
#include "ktypes.h"

struct bl_rw {
	CXTranslationUnit tu;
	CXFile main;		/* compare by pointer: clang_File_isEqual() calls
				 * all in-memory files equal */
	const char *text;	/* the parsed text */
	size_t len;
	struct bl_edits edits;
	int has_license;	/* the program declares _license itself */
	const char *vmlinux_h;	/* base name of this kernel's vmlinux.h, or NULL
				 * with the real headers */
	const struct bl_compile_opts *opts;
	struct bl_ktypes *ktypes;	/* collects the kernel records in use, or NULL */
};

/* Whether the record declared at decl is the kernel's: from vmlinux.h, or
 * from the tree of real headers (kbuild.h). */
int bl_rw_is_kernel_decl(const struct bl_rw *rw, CXCursor decl);

struct bl_rw_visitor {
	const char *name;
	/* Called for every cursor spelled in the user's file; 0 or -errno. */
	int (*visit)(struct bl_rw *rw, CXCursor c);
	/* Called once after the traversal, or NULL. */
	int (*finish)(struct bl_rw *rw);
};

extern const struct bl_rw_visitor bl_rw_maps;     /* m.method(...) calls (rw_maps.c) */
extern const struct bl_rw_visitor bl_rw_progs;    /* programs and helpers (rw_progs.c) */
extern const struct bl_rw_visitor bl_rw_args;     /* probe arguments (rw_args.c) */
extern const struct bl_rw_visitor bl_rw_deref;    /* kernel pointer reads (rw_deref.c) */
extern const struct bl_rw_visitor bl_rw_license;  /* default license (rw_progs.c) */
extern const struct bl_rw_visitor bl_rw_printk;   /* printk format check (rw_printk.c) */
extern const struct bl_rw_visitor bl_rw_packet;   /* packet header fields (rw_packet.c) */
extern const struct bl_rw_visitor bl_rw_ktypes;   /* kernel records in use (rw_ktypes.c) */

/* Offset of loc in the user's file (where the tokens are for macro
 * arguments, where the macro is used for macro bodies); -1 when it is in
 * another file. */
long bl_rw_offset(const struct bl_rw *rw, CXSourceLocation loc);
/* Extent of c as offsets; -1 unless both ends are in the user's file. */
int bl_rw_extent(const struct bl_rw *rw, CXCursor c, size_t *start, size_t *end);

/* Rewrites o->text. *out: the plain C text (malloc'd); *warnings: clang's
 * warnings or NULL. kt, unless NULL, receives the kernel records the
 * program needs complete (ktypes.h), also those of the headers it
 * includes. Errors: -EINVAL with e->msg "compile failed: <first
 * error>" and e->log all diagnostics; -ESTALE when env's PCH did not load. */
int bl_rewrite(const struct bl_cc_env *env, const struct bl_compile_opts *o,
	       char **out, char **warnings, struct bl_ktypes *kt, struct bl_err *e);

#endif

/* ktypes.h - the kernel records a program needs complete.
 *
 * vmlinux.h defines every record of the kernel, and code generation pays
 * for each one a program reaches (clang converts and describes in debug
 * info every record reachable from a type in use, mostly through pointers
 * it never follows). A program only needs complete the records it uses by
 * value: that it reads members of, takes the size of, or declares, and what
 * those hold by value in turn. The rewriter collects them (rw_ktypes.c);
 * code generation then sees the prelude with every other record only
 * declared (skel.h) and these definitions, cut from vmlinux.h, after it.
 */
#ifndef BL_COMPILE_KTYPES_H
#define BL_COMPILE_KTYPES_H

#include <clang-c/Index.h>
#include <stddef.h>

/* A record definition in vmlinux.h: [start, end) is "struct name {...}",
 * as clang's extent (bl_ktypes_semicolon() finds the end of its attributes). */
struct bl_krec {
	unsigned start, end;
};

/* Orders records by where they start (qsort, bsearch). */
int bl_krec_cmp(const void *a, const void *b);

struct bl_ktypes {
	CXFile file;		/* vmlinux.h in the parse the records come from */
	struct bl_krec *v;
	size_t n, cap;
	int nomem;
};

/* Adds the records c needs complete (0 or -ENOMEM): its own type and, for
 * expressions, the records whose members it reads and the types it names
 * other than as a pointer cast. Records that are not vmlinux.h's count
 * only for what they hold. */
int bl_ktypes_visit(struct bl_ktypes *k, CXCursor c);
/* The same for c and every cursor under it (a whole declaration). */
int bl_ktypes_visit_tree(struct bl_ktypes *k, CXCursor c);

/* Adds the records a value of type t needs complete. */
void bl_ktypes_need(struct bl_ktypes *k, CXType t);

/* Whether the record declared at d has a name. Unnamed ones (members,
 * typedefs' bodies) are written inside what holds them: only what they
 * hold counts. */
int bl_ktypes_is_named(CXCursor d);

/* Whether c is declared in k->file. */
int bl_ktypes_in_file(const struct bl_ktypes *k, CXCursor c);

/* Past the ';' that ends a record definition whose braces end at `end`
 * in vmlinux.h's text (len bytes): attributes come between. 0 if none. */
unsigned bl_ktypes_semicolon(const char *text, size_t len, unsigned end);

/* The record's name (the identifier after "struct"/"union" at r->start),
 * copied into name (size bytes); 0, or -1 for an anonymous record. */
int bl_ktypes_name(const char *text, const struct bl_krec *r, char *name, size_t size);

/* The header code generation includes after the pruned prelude: the
 * records in k, in vmlinux.h's order, each unless the prelude already has
 * it complete (skel.h's guard macro). *out is malloc'd. 0 or -ENOMEM. */
int bl_ktypes_header(struct bl_ktypes *k, const char *text, size_t len, char **out);

void bl_ktypes_free(struct bl_ktypes *k);

/* The guard macro skel.h defines after a record the pruned prelude keeps
 * complete: "__bl_kdef_" + its name. */
#define BL_KTYPES_GUARD "__bl_kdef_"

#endif

/* rw_ktypes.c - the kernel records the program needs complete (ktypes.h),
 * collected while the rewriter walks it; code generation then leaves the
 * other records of vmlinux.h out. */
#include "ktypes.h"
#include "rewrite.h"

static int visit(struct bl_rw *rw, CXCursor c)
{
	return rw->ktypes ? bl_ktypes_visit(rw->ktypes, c) : 0;
}

const struct bl_rw_visitor bl_rw_ktypes = {
	.name = "kernel records in use",
	.visit = visit,
};

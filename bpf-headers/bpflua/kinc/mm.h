/* kinc/mm.h - macros of linux/mm.h and linux/page-flags.h (runtime/compile/
 * kinc.c: for programs that include one of them). */
#ifndef BPFLUA_KINC_MM_H
#define BPFLUA_KINC_MM_H

/* The n-th page of a folio: its pages follow its first one in the memory
 * map. An address computed, nothing read. */
#define folio_page(folio, n)	(&(folio)->page + (n))

#endif

/* kinc/scatterlist.h - the scatterlist entry flags and their inline
 * readers (linux/scatterlist.h; runtime/compile/kinc.c: for programs that
 * include it or linux/virtio.h). As in the kernel they read the entry
 * directly: give them a copy on the stack. */
#ifndef BPFLUA_KINC_SCATTERLIST_H
#define BPFLUA_KINC_SCATTERLIST_H

/* The low bits of page_link: the entry chains to another list, or ends one. */
#define SG_CHAIN		0x01UL
#define SG_END			0x02UL
#define SG_PAGE_LINK_MASK	(SG_CHAIN | SG_END)

static inline __attribute__((always_inline)) unsigned int __sg_flags(struct scatterlist *sg)
{
	return sg->page_link & SG_PAGE_LINK_MASK;
}

static inline __attribute__((always_inline)) struct scatterlist *sg_chain_ptr(struct scatterlist *sg)
{
	return (struct scatterlist *)(sg->page_link & ~SG_PAGE_LINK_MASK);
}

static inline __attribute__((always_inline)) bool sg_is_chain(struct scatterlist *sg)
{
	return __sg_flags(sg) & SG_CHAIN;
}

static inline __attribute__((always_inline)) bool sg_is_last(struct scatterlist *sg)
{
	return __sg_flags(sg) & SG_END;
}

#endif

/* kconfig_defs.h - kernel macros whose definition depends on the running
 * kernel's configuration. Included right after its CONFIG_* macros (the
 * kernel header runtime/kconfig.c generates), at the end of the prelude:
 * the precompiled prelude is made per configuration.
 */
#ifndef BPFLUA_KCONFIG_DEFS_H
#define BPFLUA_KCONFIG_DEFS_H

/* The start of the kernel's direct map. With a randomized memory layout
 * (x86_64 KASLR) it is the variable page_offset_base, resolved through
 * kallsyms at load: a kernel whose kallsyms lacks data symbols refuses to
 * load a program that uses it, rather than giving a wrong address. Without
 * a configuration to tell, the variable is used where it exists. The
 * variable's declaration is in kconfig_externs.h. */
#if defined(__TARGET_ARCH_x86)
/* The direct map's base before randomization (arch/x86 page_64_types.h),
 * which tools such as BCC's profile compare addresses with. */
#define __PAGE_OFFSET_BASE_L4	0xffff888000000000UL
#define __PAGE_OFFSET_BASE_L5	0xff11000000000000UL
#if defined(CONFIG_DYNAMIC_MEMORY_LAYOUT) || defined(CONFIG_RANDOMIZE_MEMORY)
#define PAGE_OFFSET ({ unsigned long __bl_po = 0;				\
	bpf_probe_read_kernel(&__bl_po, sizeof(__bl_po), &page_offset_base);	\
	__bl_po; })
#elif defined(CONFIG_X86_64)
#define PAGE_OFFSET		0xffff888000000000UL
#else
#define PAGE_OFFSET ({ unsigned long __bl_po = 0xffff888000000000UL;		\
	if (&page_offset_base)							\
		bpf_probe_read_kernel(&__bl_po, sizeof(__bl_po), &page_offset_base); \
	__bl_po; })
#endif
#endif

#endif

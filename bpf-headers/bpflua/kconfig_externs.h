/* kconfig_externs.h - the kernel variables kconfig_defs.h's macros read,
 * declared per compile, after the precompiled prelude: clang gives an
 * extern debug info (so BTF, which libbpf resolves __ksym externs by) only
 * when its declaration is parsed in the compile itself, not when it comes
 * from a precompiled header.
 */
#ifndef BPFLUA_KCONFIG_EXTERNS_H
#define BPFLUA_KCONFIG_EXTERNS_H

#if defined(__TARGET_ARCH_x86)
#if defined(CONFIG_DYNAMIC_MEMORY_LAYOUT) || defined(CONFIG_RANDOMIZE_MEMORY)
extern const void page_offset_base __ksym;
#elif !defined(CONFIG_X86_64)
extern const void page_offset_base __ksym __weak;
#endif
#endif

#endif

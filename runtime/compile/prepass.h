/* prepass.h - text fixes made before the rewriter parses the program.
 *
 * Only what cannot wait for the parse: kernel #include lines (they would be
 * fatal "file not found" errors; the prelude already provides vmlinux.h and
 * the kernel macros) are blanked out, and BCC's string map kinds
 * (BPF_TABLE("hash", ...)) lose their quotes so the preprocessor can
 * dispatch on them. Every change keeps the text's length and newlines, so
 * lines and columns stay the user's.
 */
#ifndef BL_COMPILE_PREPASS_H
#define BL_COMPILE_PREPASS_H

/* Rewrites `text` (NUL-terminated) in place. With the kernel's real
 * headers (`kheaders`), kernel #includes stay: they exist. */
void bl_prepass(char *text, int kheaders);

/* Skips the comment or string/char literal starting at p; returns p if
 * there is none there. */
const char *bl_skip_literal(const char *p);

#endif

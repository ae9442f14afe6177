/* user_tags.h - a program's own struct named like one of the kernel's.
 *
 * BCC programs define `struct sock { u32 *sk_daddr; };`, `struct key`,
 * `struct data` freely: against BCC's kernel headers such names are free
 * unless the program includes the header that defines them. Here vmlinux.h
 * defines every kernel record, so the program's definition would be a
 * redefinition. Instead the program's own uses of `struct NAME` are renamed
 * to `struct NAME___bl_user`: the prepass turns the two tokens into one
 * identifier of the same length (`struct_NAME`, so lines and columns stay
 * the user's), and a header included after the prelude defines it as
 * `struct NAME___bl_user`. The kernel's record keeps its name (and CO-RE,
 * where the program asks for it); the program's record has the program's
 * layout.
 */
#ifndef BL_COMPILE_USER_TAGS_H
#define BL_COMPILE_USER_TAGS_H

#include "../err.h"

#define BL_USER_TAG_SUFFIX "___bl_user"

/* *out: the renaming header's text (malloc'd), or NULL when the program
 * defines no record that vmlinux.h (at path vmlinux_h) also defines. */
int bl_user_tags_header(const char *text, const char *vmlinux_h, char **out,
			struct bl_err *e);

/* Renames, in text (in place, same length), the uses of the records that
 * header (from bl_user_tags_header, or NULL) renames. */
void bl_user_tags_rename(char *text, const char *header);

#endif

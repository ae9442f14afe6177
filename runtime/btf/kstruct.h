/* kstruct.h - questions about the running kernel's structs, answered from
 * its BTF (/sys/kernel/btf/vmlinux): which fields a struct has, how big
 * they are. Fields of anonymous struct/union members count as the
 * struct's own, as C sees them.
 */
#ifndef BL_KSTRUCT_H
#define BL_KSTRUCT_H

/* BCC's kernel_struct_has_field: 1 when struct `sname` has member `field`,
 * 0 when it has not, -1 when there is no such struct or no BTF. */
int bl_kstruct_has_field(const char *sname, const char *field);

/* Size in bytes of member `field` of struct `sname`, or -ENOENT when
 * either is missing (-errno when the BTF cannot be read). */
long bl_kstruct_field_size(const char *sname, const char *field);

#endif

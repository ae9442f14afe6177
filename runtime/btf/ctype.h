/* ctype.h - a BTF type as a C type string for LuaJIT's ffi.typeof().
 *
 * The string names no global type: structs and unions become anonymous
 * `struct { ... }` with nested types inlined, typedefs are resolved, enums
 * become their integer type and pointers uint64_t (a BPF pointer is 64-bit
 * whatever the host). So two objects that both define `struct key_t`
 * differently never clash in LuaJIT's global C namespace, and each map gets
 * its own ctype. Layout follows the BTF offsets: explicit padding where the
 * natural C layout would differ, `__attribute__((packed))` when a member is
 * misaligned. Bitfields become C bitfields (LuaJIT reads them by name).
 */
#ifndef BL_BTF_CTYPE_H
#define BL_BTF_CTYPE_H

#include "../err.h"

struct btf;

/* Returns a malloc'd type string such as "uint64_t", "char[16]" or
 * "struct { uint32_t pid; char comm[16]; }", or NULL with e filled:
 * EINVAL for a type that has no value form (void, a forward declaration,
 * a function), ENOENT for an unknown id, ENOMEM. */
char *bl_btf_ctype(const struct btf *btf, unsigned int id, struct bl_err *e);

#endif

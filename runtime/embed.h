/* embed.h - files compiled into the binary (Lua sources are separate: they
 * are LuaJIT bytecode objects found by require through luaJIT_BC_* symbols).
 *
 * tools/embed.sh generates an assembly file that .incbin's each file, adds a
 * NUL terminator, and emits a table ending in an all-zero entry.
 */
#ifndef BL_EMBED_H
#define BL_EMBED_H

struct bl_embedded_file {
	const char *name;       /* path relative to the embedding root, e.g. "bcc/helpers.h" */
	const char *data;       /* NUL-terminated contents */
	unsigned long size;     /* without the NUL */
};

/* Returns the entry named `name` in `table`, or NULL. */
const struct bl_embedded_file *bl_embed_find(const struct bl_embedded_file *table,
					     const char *name);

#endif

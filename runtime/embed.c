/* embed.c - see embed.h */
#include "embed.h"

#include <string.h>

const struct bl_embedded_file *bl_embed_find(const struct bl_embedded_file *table,
					     const char *name)
{
	for (; table->name; table++)
		if (strcmp(table->name, name) == 0)
			return table;
	return NULL;
}

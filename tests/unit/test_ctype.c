/* test_ctype.c - BTF -> LuaJIT ctype strings (runtime/btf/ctype.c).
 *
 * Builds BTF with libbpf's btf__add_* API, checks the generated string, then
 * hands it to LuaJIT's ffi and checks the layout LuaJIT computes (size, and
 * each member's bit offset) against the BTF: the string is only right if
 * LuaJIT lays it out exactly as the BPF program does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "btf/ctype.h"

static int passed, failed;
static lua_State *L;

static void check(int ok, const char *what, const char *detail)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
}

/* Runs ffi.offsetof/ffi.sizeof on the ctype string: returns the absolute
 * bit offset of member `name` (or the size in bytes when name is NULL),
 * -1 when LuaJIT rejects the type. */
static long ffi_layout(const char *ctype, const char *name)
{
	static const char *chunk =
		"local ffi = require('ffi')\n"
		"local s, name = ...\n"
		"local ct = ffi.typeof(s)\n"
		"if not name then return ffi.sizeof(ct) end\n"
		"local off, bitpos = ffi.offsetof(ct, name)\n"
		"return off * 8 + (bitpos or 0)\n";
	long r = -1;

	if (luaL_loadstring(L, chunk) != 0)
		return -1;
	lua_pushstring(L, ctype);
	if (name)
		lua_pushstring(L, name);
	else
		lua_pushnil(L);
	if (lua_pcall(L, 2, 1, 0) != 0) {
		printf("  luajit: %s\n", lua_tostring(L, -1));
	} else if (lua_isnumber(L, -1)) {
		r = (long)lua_tonumber(L, -1);
	}
	lua_pop(L, 1);
	return r;
}

/* The ctype of `id` must be `want` (when non-NULL) and LuaJIT must agree
 * with the BTF on the size and on every named member's offset. */
static void expect(struct btf *btf, int id, const char *want, const char *what)
{
	struct bl_err e = { 0 };
	char *s = bl_btf_ctype(btf, id, &e);
	const struct btf_type *t = btf__type_by_id(btf, id);
	char detail[2048];

	if (!s) {
		check(0, what, e.msg);
		bl_err_clear(&e);
		return;
	}
	snprintf(detail, sizeof(detail), "got \"%s\", want \"%s\"", s, want ? want : "");
	if (want)
		check(strcmp(s, want) == 0, what, detail);
	snprintf(detail, sizeof(detail), "\"%s\": LuaJIT size %ld, BTF %d", s,
		 ffi_layout(s, NULL), (int)btf__resolve_size(btf, id));
	check(ffi_layout(s, NULL) == btf__resolve_size(btf, id), what, detail);
	if (btf_is_composite(t)) {
		for (int i = 0; i < btf_vlen(t); i++) {
			const char *name = btf__name_by_offset(btf, btf_members(t)[i].name_off);
			long off = btf_member_bit_offset(t, i);

			if (!*name)
				continue;
			snprintf(detail, sizeof(detail), "\"%s\": member %s at bit %ld, BTF %ld",
				 s, name, ffi_layout(s, name), off);
			check(ffi_layout(s, name) == off, what, detail);
		}
	}
	free(s);
}

static void expect_error(struct btf *btf, int id, const char *substr, const char *what)
{
	struct bl_err e = { 0 };
	char *s = bl_btf_ctype(btf, id, &e);

	check(!s && strstr(e.msg, substr), what, s ? s : e.msg);
	free(s);
	bl_err_clear(&e);
}

int main(void)
{
	struct btf *btf = btf__new_empty();
	int u8, u32, s32, u64, s64, chr, bol, flt, u128, td, ptr, arr, arr2;

	L = luaL_newstate();
	luaL_openlibs(L);

	u8 = btf__add_int(btf, "unsigned char", 1, 0);
	u32 = btf__add_int(btf, "unsigned int", 4, 0);
	s32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	u64 = btf__add_int(btf, "long long unsigned int", 8, 0);
	s64 = btf__add_int(btf, "long int", 8, BTF_INT_SIGNED);
	chr = btf__add_int(btf, "char", 1, BTF_INT_SIGNED);
	bol = btf__add_int(btf, "_Bool", 1, BTF_INT_BOOL);
	flt = btf__add_float(btf, "double", 8);
	u128 = btf__add_int(btf, "unsigned __int128", 16, 0);
	td = btf__add_typedef(btf, "u64", u64);
	ptr = btf__add_ptr(btf, u32);
	arr = btf__add_array(btf, u32, chr, 16);

	expect(btf, u8, "uint8_t", "u8");
	expect(btf, u32, "uint32_t", "u32");
	expect(btf, s32, "int32_t", "s32");
	expect(btf, s64, "int64_t", "s64");
	expect(btf, chr, "char", "char");
	expect(btf, bol, "bool", "bool");
	expect(btf, flt, "double", "double");
	expect(btf, u128, "uint64_t[2]", "__int128");
	expect(btf, td, "uint64_t", "typedef resolved");
	expect(btf, btf__add_const(btf, td), "uint64_t", "const typedef");
	expect(btf, ptr, "uint64_t", "pointer");
	expect(btf, arr, "char[16]", "char array");
	arr2 = btf__add_array(btf, u32, arr, 4);
	expect(btf, arr2, "char[4][16]", "array of arrays");

	int en = btf__add_enum(btf, "state", 4);
	btf__add_enum_value(btf, "A", 1);
	expect(btf, en, "uint32_t", "unsigned enum");
	int ens = btf__add_enum(btf, "sgn", 4);
	btf__add_enum_value(btf, "NEG", -1);
	expect(btf, ens, "int32_t", "signed enum");
	int en64 = btf__add_enum64(btf, "big", 8, false);
	btf__add_enum64_value(btf, "HUGE", 1ull << 40);
	expect(btf, en64, "uint64_t", "enum64");

	/* The classic BCC key: natural layout, a typedef'd member, char[]. */
	int key = btf__add_struct(btf, "key_t", 32);
	btf__add_field(btf, "pid", u32, 0, 0);
	btf__add_field(btf, "ts", td, 64, 0);
	btf__add_field(btf, "comm", arr, 128, 0);
	expect(btf, key, "struct { uint32_t pid; uint64_t ts; char comm[16]; }", "key_t");

	/* A second struct of the same name with another layout must not clash. */
	int key2 = btf__add_struct(btf, "key_t", 8);
	btf__add_field(btf, "a", s32, 0, 0);
	btf__add_field(btf, "b", s32, 32, 0);
	expect(btf, key2, "struct { int32_t a; int32_t b; }", "same name, other layout");

	/* Nested struct, anonymous union member, pointer and enum members. */
	int inner = btf__add_struct(btf, "inner", 16);
	btf__add_field(btf, "x", u64, 0, 0);
	btf__add_field(btf, "p", ptr, 64, 0);
	int un = btf__add_union(btf, NULL, 8);
	btf__add_field(btf, "i", s32, 0, 0);
	btf__add_field(btf, "l", u64, 0, 0);
	int outer = btf__add_struct(btf, "outer", 32);
	btf__add_field(btf, "in", inner, 0, 0);
	btf__add_field(btf, "", un, 128, 0);
	btf__add_field(btf, "st", en, 192, 0);
	expect(btf, outer, "struct { struct { uint64_t x; uint64_t p; } in; "
	       "union { int32_t i; uint64_t l; }; uint32_t st; }", "nested + anonymous union");

	/* Bitfields, with an unaligned gap and a following plain member. */
	int bf = btf__add_struct(btf, "flags", 8);
	btf__add_field(btf, "a", u32, 0, 3);
	btf__add_field(btf, "b", u32, 3, 5);
	btf__add_field(btf, "c", u32, 12, 4);
	btf__add_field(btf, "d", u8, 16, 0);
	btf__add_field(btf, "e", s32, 32, 20);
	expect(btf, bf, NULL, "bitfields");

	/* A gap wider than alignment explains, and tail padding. */
	int gap = btf__add_struct(btf, "gap", 24);
	btf__add_field(btf, "a", u32, 0, 0);
	btf__add_field(btf, "b", u32, 64, 0);
	expect(btf, gap, "struct { uint32_t a; uint8_t __pad0[4]; uint32_t b; "
	       "uint8_t __pad1[12]; }", "explicit padding");

	/* __attribute__((packed)): a misaligned member. */
	int pk = btf__add_struct(btf, "pk", 5);
	btf__add_field(btf, "a", u8, 0, 0);
	btf__add_field(btf, "b", u32, 8, 0);
	expect(btf, pk, "struct __attribute__((packed)) { uint8_t a; uint32_t b; }", "packed");

	/* An array of structs as a value type. */
	expect(btf, btf__add_array(btf, u32, key2, 3), NULL, "array of structs");

	/* A union larger than its members. */
	int un2 = btf__add_union(btf, "u2", 16);
	btf__add_field(btf, "v", u32, 0, 0);
	expect(btf, un2, "union { uint32_t v; uint8_t __pad0[16]; }", "union tail");

	expect_error(btf, 0, "void", "void");
	expect_error(btf, btf__add_fwd(btf, "opaque", BTF_FWD_STRUCT), "incomplete", "fwd");
	expect_error(btf, 9999, "no such type", "bad id");
	expect_error(btf, btf__add_func_proto(btf, s32), "not a data type", "func proto");

	btf__free(btf);
	lua_close(L);
	printf("test_ctype: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}

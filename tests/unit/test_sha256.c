/* test_sha256.c - FIPS 180-4 test vectors. */
#include <stdio.h>
#include <string.h>

#include "sha256.h"

static int passed, failed;

static void check(const char *in, size_t repeat, const char *want)
{
	struct bl_sha256 s;
	unsigned char d[32];
	char hex[65];
	size_t i;

	bl_sha256_init(&s);
	for (i = 0; i < repeat; i++)
		bl_sha256_update(&s, in, strlen(in));
	bl_sha256_final(&s, d);
	bl_sha256_hex(d, hex);
	if (strcmp(hex, want) == 0) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL sha256(\"%.20s\" x%zu) = %s, want %s\n", in, repeat, hex, want);
}

int main(void)
{
	check("", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check("abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check("a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	printf("sha256: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}

/* sha256.h - SHA-256 (FIPS 180-4), for cache keys and cache entry checks. */
#ifndef BL_SHA256_H
#define BL_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct bl_sha256 {
	uint32_t h[8];
	uint64_t len;          /* bytes hashed so far */
	unsigned char buf[64];
	size_t fill;
};

void bl_sha256_init(struct bl_sha256 *s);
void bl_sha256_update(struct bl_sha256 *s, const void *data, size_t len);
void bl_sha256_final(struct bl_sha256 *s, unsigned char out[32]);
/* Hashes a NUL-terminated string including its NUL, so that consecutive
 * fields cannot run into each other ("ab"+"c" != "a"+"bc"). */
void bl_sha256_str(struct bl_sha256 *s, const char *str);
/* 64 lowercase hex digits + NUL. */
void bl_sha256_hex(const unsigned char d[32], char out[65]);

#endif

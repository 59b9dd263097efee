// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * digest.c - sha256 digests of blobs (OpenSSL's libcrypto)
 *
 * DOC: Theory of Operation
 * Image blobs are named by "sha256:HEX".  The store checks each blob it
 * reads against its name, hashing with libcrypto's EVP interface, so a
 * damaged or substituted file is refused before anything is unpacked.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "runtime/image/store.h"

/**
 * sl_sha256_file() - hash everything readable from @fd
 * @fd:		file, read from its current offset to the end
 * @hex:	lowercase hex digest (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_sha256_file(int fd, char hex[65], struct sl_error *e)
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[1 << 16];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 0;
	ssize_t n;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		return sl_error_say(e, ENOMEM, "sha256");
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	if (n < 0) {
		int r = sl_error_set(e, errno, "read");

		EVP_MD_CTX_free(ctx);
		return r;
	}
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	for (unsigned int i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/**
 * sl_digest_hex() - check "sha256:HEX" and point at HEX
 * @digest:	the digest text
 * @hex:	the hex part (written on success)
 *
 * Return: true if @digest is a well-formed sha256 digest
 */
bool sl_digest_hex(const char *digest, const char **hex)
{
	if (!digest || strncmp(digest, "sha256:", 7) ||
	    strlen(digest + 7) != 64 ||
	    strspn(digest + 7, "0123456789abcdef") != 64)
		return false;
	*hex = digest + 7;
	return true;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - run a fuzz target over its kept corpus, as a unit test
 *
 * DOC: Theory of Operation
 * Linked with one tests/fuzz/fuzz-*.c instead of libFuzzer, this main()
 * feeds every file of tests/fuzz/corpus/NAME/ (under $SUBLET_TOP, or the
 * working directory) to LLVMFuzzerTestOneInput() and prints one TAP line
 * per file.  A regression aborts the target (or trips ASan, UBSan or
 * LeakSanitizer in the `make asan` build), which fails the test file.
 * NAME is FUZZ_NAME, set by the build.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "tests/unit/tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * read_all() - read a whole file relative to @dirfd
 * @dirfd:	directory
 * @name:	file name
 * @out:	heap buffer out, written only on success
 * @len:	its length, written only on success
 *
 * Return: 0 or -errno
 */
static int read_all(int dirfd, const char *name, uint8_t **out, size_t *len)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	buf = malloc(st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	n = read(fd, buf, st.st_size);
	if (n != st.st_size) {
		free(buf);
		return n < 0 ? -errno : -EIO;
	}
	*out = buf;
	*len = n;
	return 0;
}

int main(void)
{
	const char *top = getenv("SUBLET_TOP");
	char path[4096];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/%s", top ? top : ".",
		 FUZZ_NAME);
	d = opendir(path);
	if (!ok(d != NULL, "corpus %s", path))
		return done_testing();
	while ((de = readdir(d))) {
		uint8_t *buf = NULL;
		size_t len = 0;

		if (de->d_name[0] == '.')
			continue;
		if (!ok(read_all(dirfd(d), de->d_name, &buf, &len) == 0,
			"read %s", de->d_name))
			continue;
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		ok(1, "%s: %s", FUZZ_NAME, de->d_name);
	}
	closedir(d);
	return done_testing();
}

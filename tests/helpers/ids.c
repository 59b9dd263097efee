// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ids.c - test helper: print the real and the effective uid
 *
 * Built static, so that it runs in the busybox image, where
 * tests/e2e/nonroot-podman.bats installs it setuid root: run by a
 * non-root user, it shows whether the set-user-ID bit took effect
 * ("1000 0") through the overlay and the runtime.  busybox's own `id`
 * drops a set-user-ID root it was not configured for, so it cannot show
 * this.
 */
#include <stdio.h>
#include <unistd.h>

/**
 * main() - print "RUID EUID"
 *
 * Return: 0
 */
int main(void)
{
	printf("%u %u\n", (unsigned int)getuid(), (unsigned int)geteuid());
	return 0;
}

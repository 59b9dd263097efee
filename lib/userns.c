// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * userns.c - which user namespace we run in
 */
#include <stdio.h>

#include "lib/userns.h"

/**
 * initial_userns() - are we in the initial user namespace?
 *
 * Return: true if /proc/self/uid_map maps every id to itself (false
 *	   also when it cannot be read)
 */
bool initial_userns(void)
{
	unsigned long a, b, c;
	FILE *f = fopen("/proc/self/uid_map", "re");
	int n;

	if (!f)
		return false;
	n = fscanf(f, "%lu %lu %lu", &a, &b, &c);
	fclose(f);
	return n == 3 && a == 0 && b == 0 && c == 4294967295UL;
}

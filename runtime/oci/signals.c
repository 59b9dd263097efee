// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * signals.c - parse a signal as kill(1) and runc accept it
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/cleanup.h"
#include "lib/parse.h"
#include "runtime/oci/signals.h"

static const struct {
	const char *name;
	int sig;
} signal_names[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },	      { "QUIT", SIGQUIT },
	{ "ILL", SIGILL },   { "TRAP", SIGTRAP },     { "ABRT", SIGABRT },
	{ "IOT", SIGIOT },   { "BUS", SIGBUS },	      { "FPE", SIGFPE },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },
	{ "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },
	{ "CONT", SIGCONT }, { "STOP", SIGSTOP },     { "TSTP", SIGTSTP },
	{ "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },     { "URG", SIGURG },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },     { "VTALRM", SIGVTALRM },
	{ "PROF", SIGPROF }, { "WINCH", SIGWINCH },   { "IO", SIGIO },
	{ "POLL", SIGPOLL }, { "PWR", SIGPWR },	      { "SYS", SIGSYS },
};

/**
 * sl_signal_parse() - a signal number from "15", "TERM", "SIGTERM",
 * "sigterm" or "RTMIN+2"
 * @s:		text
 * @sig:	the signal (written on success)
 *
 * Return: 0 or -EINVAL
 */
int sl_signal_parse(const char *s, int *sig)
{
	unsigned int n;

	if (parse_uint_range(s, 1, (unsigned int)SIGRTMAX, &n) == 0) {
		*sig = (int)n;
		return 0;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signal_names); i++)
		if (!strcasecmp(s, signal_names[i].name)) {
			*sig = signal_names[i].sig;
			return 0;
		}
	if (!strncasecmp(s, "RTMIN", 5)) {
		n = 0;
		if (s[5] &&
		    (s[5] != '+' ||
		     parse_uint_range(s + 6, 0,
				      (unsigned int)(SIGRTMAX - SIGRTMIN), &n)))
			return -EINVAL;
		*sig = SIGRTMIN + (int)n;
		return 0;
	}
	return -EINVAL;
}

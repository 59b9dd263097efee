// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c - the one place sublet's programs print messages
 *
 * DOC: Theory of Operation
 * Every message is one line: "PROG: message[: strerror]" on stderr, or,
 * after log_set_file(path, true), one JSON object per line in the format
 * runc and crun write for --log-format json ({"level":..,"msg":..,
 * "time":..}), which conmon and Podman read back.  die() is for setup
 * only, before a program's main loop runs: it prints and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/log.h"

static const char *log_prog = "sublet";
static enum log_level log_level = LOG_LVL_WARN;
static int log_fd = STDERR_FILENO;
static bool log_json;

static const char *const level_names[] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN] = "warning",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

/**
 * log_init() - set the program name that prefixes every message
 * @prog:	program name, usually the basename of argv[0]
 */
void log_init(const char *prog)
{
	const char *slash = strrchr(prog, '/');

	log_prog = slash ? slash + 1 : prog;
}

/**
 * log_set_level() - set the most verbose level that is printed
 * @level:	LOG_LVL_ERROR .. LOG_LVL_DEBUG
 */
void log_set_level(enum log_level level)
{
	log_level = level;
}

/**
 * log_get_level() - current verbosity
 *
 * Return: the most verbose level printed
 */
enum log_level log_get_level(void)
{
	return log_level;
}

/**
 * log_set_file() - send messages to a file instead of stderr
 * @path:	file to append to, created with mode 0600 if missing
 * @json:	write JSON lines instead of text
 *
 * Return: 0 on success, -errno if the file cannot be opened
 */
int log_set_file(const char *path, bool json)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	if (log_fd != STDERR_FILENO)
		close(log_fd);
	log_fd = fd;
	log_json = json;
	return 0;
}

/**
 * log_write_json() - write one message as a JSON line
 * @level:	message level
 * @msg:	formatted message
 */
static void log_write_json(enum log_level level, const char *msg)
{
	struct json_object *o = json_object_new_object();
	char ts[64];
	struct timespec now;
	struct tm tm;
	const char *s;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(o, "level",
			       json_object_new_string(level_names[level]));
	json_object_object_add(o, "msg", json_object_new_string(msg));
	json_object_object_add(o, "time", json_object_new_string(ts));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	dprintf(log_fd, "%s\n", s);
	json_object_put(o);
}

/**
 * log_vmsg() - format and write one message
 * @level:	message level
 * @errnum:	errno value to append as ": strerror", 0 for none
 * @fmt:	printf format
 * @ap:		arguments
 */
static void log_vmsg(enum log_level level, int errnum, const char *fmt,
		     va_list ap)
{
	char msg[2048];
	size_t n;
	int saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	if (errnum)
		snprintf(msg + n, sizeof(msg) - n, ": %s",
			 strerror(errnum < 0 ? -errnum : errnum));
	if (log_json) {
		log_write_json(level, msg);
	} else if (level == LOG_LVL_ERROR) {
		dprintf(log_fd, "%s: %s\n", log_prog, msg);
	} else {
		dprintf(log_fd, "%s: %s: %s\n", log_prog, level_names[level],
			msg);
	}
	errno = saved;
}

/**
 * log_msg() - print a message if @level is enabled
 * @level:	message level
 * @errnum:	errno value (positive or negative) to append, 0 for none
 * @fmt:	printf format
 */
void log_msg(enum log_level level, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	log_vmsg(level, errnum, fmt, ap);
	va_end(ap);
}

/**
 * die() - print an error and exit with status 1; setup code only
 * @fmt:	printf format
 */
void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

/**
 * die_errno() - print an error with strerror(@errnum) and exit 1
 * @errnum:	errno value, positive or negative
 * @fmt:	printf format
 */
void die_errno(int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERROR, errnum, fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - messages to stderr (or a log file), in text or JSON lines
 */
#ifndef SUBLET_LOG_H
#define SUBLET_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

void log_init(const char *prog);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
int log_set_file(const char *path, bool json);
void log_msg(enum log_level level, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void die_errno(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

#define err(...) log_msg(LOG_LVL_ERROR, 0, __VA_ARGS__)
#define err_errno(e, ...) log_msg(LOG_LVL_ERROR, (e), __VA_ARGS__)
#define warn(...) log_msg(LOG_LVL_WARN, 0, __VA_ARGS__)
#define info(...) log_msg(LOG_LVL_INFO, 0, __VA_ARGS__)
#define debug(...)                                              \
	do {                                                    \
		if (log_get_level() >= LOG_LVL_DEBUG)           \
			log_msg(LOG_LVL_DEBUG, 0, __VA_ARGS__); \
	} while (0)

#endif /* SUBLET_LOG_H */

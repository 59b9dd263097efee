/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - what the subcommand files of the sublet CLI share
 */
#ifndef SUBLET_RUNTIME_CLI_H
#define SUBLET_RUNTIME_CLI_H

#include <stdbool.h>

#include "runtime/oci/error.h"
#include "runtime/oci/state.h"

#define SUBLET_VERSION "0.1.0"
#define SUBLET_OCI_VERSION SL_OCI_VERSION

struct cli {
	const char *root_opt; /* --root */
	char *root;	      /* resolved by cli_root() */
	bool log_file;	      /* --log given: errors go to stderr too */
};

void cli_init(struct cli *c);
int cli_root(struct cli *c);
int cli_fail(const struct sl_error *e);
int cli_fail_cmd(const char *cmd, const struct sl_error *e);
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_warn(const char *msg);
int cli_parse_int(const char *cmd, const char *opt, const char *s, int *out);

int cli_one_id(const char *cmd, const char *usage, int argc, char **argv,
	       const char **id);

struct sl_create_opts;
int cmd_create_parse(const char *cmd, int argc, char **argv,
		     struct sl_create_opts *o, bool *detach,
		     const char *usage_text);

int cmd_create(struct cli *c, int argc, char **argv);
int cmd_start(struct cli *c, int argc, char **argv);
int cmd_state(struct cli *c, int argc, char **argv);
int cmd_kill(struct cli *c, int argc, char **argv);
int cmd_delete(struct cli *c, int argc, char **argv);
int cmd_run(struct cli *c, int argc, char **argv);
int cmd_exec(struct cli *c, int argc, char **argv);
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_ps(struct cli *c, int argc, char **argv);
int cmd_pause(struct cli *c, int argc, char **argv);
int cmd_resume(struct cli *c, int argc, char **argv);
int cmd_update(struct cli *c, int argc, char **argv);
int cmd_events(struct cli *c, int argc, char **argv);
int cmd_spec(struct cli *c, int argc, char **argv);
int cmd_features(struct cli *c, int argc, char **argv);

/* the commands of `sublet run IMAGE` and of its store */
int cmd_image(struct cli *c, int argc, char **argv);
int cmd_run_any(struct cli *c, int argc, char **argv);
int cmd_cps(struct cli *c, int argc, char **argv);
int cmd_stop(struct cli *c, int argc, char **argv);
int cmd_rm(struct cli *c, int argc, char **argv);
int cmd_logs(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);

#endif /* SUBLET_RUNTIME_CLI_H */

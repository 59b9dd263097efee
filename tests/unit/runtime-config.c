// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * runtime-config.c - unit tests for runtime/config.c, signals.c, error.c
 * and the id check of state.c
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "runtime/oci/config.h"
#include "runtime/oci/signals.h"
#include "runtime/oci/state.h"
#include "tests/unit/tap.h"

#define MINIMAL                                                          \
	"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, " \
	"\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"}"

/**
 * parse_err() - parse @text, expecting failure with message @want
 * @text:	config
 * @want:	expected message
 * @what:	test name
 */
static void parse_err(const char *text, const char *want, const char *what)
{
	struct sl_config *c = NULL;
	struct sl_error e = { 0 };
	int r = sl_config_parse(text, "/b", &c, &e);

	ok(r < 0 && !c && !strcmp(e.msg, want), "%s", what);
	if (r >= 0 || strcmp(e.msg, want))
		printf("# got %d `%s`, want `%s`\n", r, e.msg, want);
	sl_config_free(c);
}

/**
 * test_minimal() - the smallest valid config and its defaults
 */
static void test_minimal(void)
{
	struct sl_config *c = NULL;
	struct sl_error e = { 0 };

	is_int(sl_config_parse(MINIMAL "}", "/b", &c, &e), 0, "minimal parses");
	if (!c)
		return;
	ok(!strcmp(c->root_path, "/b/rootfs"),
	   "relative root.path joins bundle");
	ok(!c->root_readonly, "root not read-only by default");
	ok(c->has_process && !strcmp(c->process.args[0], "sh"), "args");
	ok(!c->process.args[1], "args NULL-terminated");
	is_int(c->rootfs_propagation, MS_SLAVE | MS_REC,
	       "default propagation rslave");
	ok(!c->process.caps.present, "no capabilities object");
	sl_config_free(c);
}

/**
 * test_full() - namespaces, maps, mounts, rlimits, caps, hooks
 */
static void test_full(void)
{
	const char *t = MINIMAL
		", \"hostname\": \"h\", \"mounts\": ["
		"{\"destination\": \"/x\", \"type\": \"bind\", \"source\": \"/s\", "
		"\"options\": [\"rbind\", \"ro\", \"nosuid\", \"rprivate\", "
		"\"size=1\"]},"
		"{\"destination\": \"/t\", \"type\": \"tmpfs\", \"options\": "
		"[\"rw\", \"mode=755\", \"size=1k\"]}],"
		"\"linux\": {\"namespaces\": [{\"type\": \"user\"}, {\"type\": "
		"\"network\", \"path\": \"/proc/1/ns/net\"}],"
		"\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, "
		"\"size\": 1}]},"
		"\"hooks\": {\"poststop\": [{\"path\": \"/h\", \"timeout\": 3}]}}";
	struct sl_config *c = NULL;
	struct sl_error e = { 0 };

	is_int(sl_config_parse(t, "/b", &c, &e), 0, "full config parses");
	if (!c)
		return;
	is_int(c->nmounts, 2, "two mounts");
	ok(c->mounts[0].bind, "bind mount");
	is_int(c->mounts[0].flags, MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID,
	       "bind flags");
	is_int(c->mounts[0].propagation, MS_PRIVATE | MS_REC, "propagation");
	ok(c->mounts[0].data && !strcmp(c->mounts[0].data, "size=1"),
	   "unknown options become data");
	ok(c->mounts[1].data && !strcmp(c->mounts[1].data, "mode=755,size=1k"),
	   "data joined with commas");
	ok(c->mounts[1].clear & MS_RDONLY, "rw clears MS_RDONLY");
	ok(sl_config_has_ns(c, CLONE_NEWUSER), "user namespace");
	ok(!strcmp(sl_config_ns(c, CLONE_NEWNET)->path, "/proc/1/ns/net"),
	   "namespace path");
	ok(!sl_config_has_ns(c, CLONE_NEWPID), "no pid namespace");
	is_int(c->uid_maps[0].host, 1000, "uid map host");
	is_int(c->hooks.n[SL_HOOK_POSTSTOP], 1, "one poststop hook");
	is_int(c->hooks.hooks[SL_HOOK_POSTSTOP][0].timeout, 3, "hook timeout");
	sl_config_free(c);
}

/**
 * test_process() - rlimits up to UINT64_MAX, capabilities, user
 */
static void test_process(void)
{
	const char *t =
		"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"/r\"}, "
		"\"process\": {\"args\": [\"a\"], \"cwd\": \"/\", \"user\": "
		"{\"uid\": 5, \"gid\": 6, \"additionalGids\": [7, 8], "
		"\"umask\": 18}, \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", "
		"\"soft\": 10, \"hard\": 18446744073709551615}], "
		"\"capabilities\": {\"bounding\": [\"CAP_KILL\", "
		"\"CAP_CHOWN\"], \"ambient\": []}, \"oomScoreAdj\": -5}}";
	struct sl_config *c = NULL;
	struct sl_error e = { 0 };

	is_int(sl_config_parse(t, "/b", &c, &e), 0, "process parses");
	if (!c)
		return;
	ok(!strcmp(c->root_path, "/r"), "absolute root.path kept");
	is_int(c->process.uid, 5, "uid");
	is_int(c->process.gid, 6, "gid");
	is_int(c->process.ngids, 2, "two additional gids");
	is_int(c->process.umask, 18, "umask");
	is_int(c->process.rlimits[0].resource, RLIMIT_NOFILE, "rlimit type");
	ok(c->process.rlimits[0].hard == UINT64_MAX, "rlimit hard infinity");
	is_int(c->process.caps.set[SL_CAP_BOUNDING], (1 << 0) | (1 << 5),
	       "bounding set bits");
	is_int(c->process.caps.set[SL_CAP_EFFECTIVE], 0, "effective empty");
	is_int(c->process.oom_score_adj, -5, "oomScoreAdj");
	sl_config_free(c);
}

/**
 * test_errors() - every refusal names its field
 */
static void test_errors(void)
{
	parse_err("{", "malformed JSON: unexpected end of data",
		  "truncated JSON");
	parse_err("[]", "expected a JSON object", "not an object");
	parse_err("{}", "ociVersion: missing required field", "no ociVersion");
	parse_err("{\"ociVersion\": 1}", "ociVersion: expected a string",
		  "ociVersion type");
	parse_err("{\"ociVersion\": \"1\"}", "root: missing required field",
		  "no root");
	parse_err(MINIMAL ", \"mounts\": {}}", "mounts: expected an array",
		  "mounts type");
	parse_err(MINIMAL ", \"mounts\": [1]}", "mounts[0]: expected an object",
		  "mount element type");
	parse_err(MINIMAL ", \"mounts\": [{\"destination\": \"x\", \"type\": "
			  "\"tmpfs\"}]}",
		  "mounts[0].destination: `x` is not an absolute path",
		  "relative mount destination");
	parse_err(MINIMAL ", \"mounts\": [{\"destination\": \"/x\", "
			  "\"options\": [\"bind\"]}]}",
		  "mounts[0].source: missing required field",
		  "bind without source");
	parse_err(MINIMAL ", \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, "
			  "{\"type\": \"pid\"}]}}",
		  "linux.namespaces[1].type: namespace `pid` given twice",
		  "duplicate namespace");
	parse_err(MINIMAL
		  ", \"linux\": {\"uidMappings\": [{\"containerID\": 0, "
		  "\"hostID\": 1, \"size\": 0}]}}",
		  "linux.uidMappings[0].size: must not be 0", "empty map");
	parse_err(MINIMAL ", \"linux\": {\"rootfsPropagation\": \"x\"}}",
		  "linux.rootfsPropagation: unknown value `x`", "propagation");
	parse_err(MINIMAL ", \"linux\": {\"sysctl\": {\"a\": 1}}}",
		  "linux.sysctl.a: expected a string", "sysctl value type");
	parse_err(MINIMAL ", \"hooks\": {\"prestart\": [{}]}}",
		  "hooks.prestart[0].path: missing required field",
		  "hook path");
	parse_err(MINIMAL ", \"linux\": {\"devices\": [{\"path\": \"/d\", "
			  "\"type\": \"x\"}]}}",
		  "linux.devices[0].type: unknown type `x`", "device type");
	parse_err("{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\"}, "
		  "\"process\": {\"args\": [], \"cwd\": \"/\"}}",
		  "process.args: must not be empty", "empty args");
	parse_err("{\"ociVersion\": \"1\", \"root\": {\"path\": \"r\"}, "
		  "\"process\": {\"args\": [\"a\"], \"cwd\": \"/\", "
		  "\"oomScoreAdj\": 1001}}",
		  "process.oomScoreAdj: 1001 is out of range",
		  "oomScoreAdj range");
}

/**
 * test_signals_ids() - signal names and container ids
 */
static void test_signals_ids(void)
{
	struct sl_error e;
	int sig = 0;

	ok(sl_signal_parse("9", &sig) == 0 && sig == 9, "numeric signal");
	ok(sl_signal_parse("TERM", &sig) == 0 && sig == SIGTERM, "TERM");
	ok(sl_signal_parse("sigusr1", &sig) == 0 && sig == SIGUSR1,
	   "sigusr1, any case");
	ok(sl_signal_parse("RTMIN+2", &sig) == 0 && sig == SIGRTMIN + 2,
	   "RTMIN+2");
	sig = 77;
	is_int(sl_signal_parse("NOPE", &sig), -EINVAL, "unknown name");
	is_int(sl_signal_parse("0", &sig), -EINVAL, "signal 0 refused");
	is_int(sl_signal_parse("99", &sig), -EINVAL, "signal 99 refused");
	is_int(sig, 77, "output untouched on failure");
	is_int(sl_id_valid("abc-1.2_3+x", &e), 0, "valid id");
	ok(sl_id_valid("a/b", &e) < 0, "slash refused");
	ok(sl_id_valid("", &e) < 0, "empty id refused");
	ok(sl_id_valid("-x", &e) < 0, "leading dash refused");
	ok(sl_id_valid("..", &e) < 0, "dot-dot refused");
}

/**
 * test_error_prefix() - context is put in front
 */
static void test_error_prefix(void)
{
	struct sl_error e = { 0 };

	is_int(sl_error_set(&e, ENOENT, "open `%s`", "x"), -ENOENT,
	       "set returns -errno");
	is_int(sl_error_prefix(&e, "config.json"), -ENOENT,
	       "prefix keeps code");
	ok(!strcmp(e.msg, "config.json: open `x`: No such file or directory"),
	   "prefixed message");
	is_int(sl_error_set(&e, 0, "plain"), -EINVAL, "no errno means EINVAL");
}

int main(void)
{
	test_minimal();
	test_full();
	test_process();
	test_errors();
	test_signals_ids();
	test_error_prefix();
	return done_testing();
}

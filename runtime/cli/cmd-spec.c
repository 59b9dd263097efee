// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-spec.c - sublet spec [--rootless] [--bundle DIR]
 *
 * Writes a template config.json like runc's: busybox-style `sh` with a
 * terminal, the default mounts, masked and read-only paths and the
 * default capabilities.  --rootless adapts it for an unprivileged user:
 * a user namespace mapping the caller's ids to root, no network
 * namespace (the host's is kept), /sys bound from the host instead of
 * mounted, no gid= for devpts and no cgroup mount.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "runtime/cli/cli.h"

static const char usage[] = "Usage: sublet spec [--rootless] [--bundle DIR]\n";

static const char template[] =
	"{\"ociVersion\":\"" SUBLET_OCI_VERSION "\",\"process\":{"
	"\"terminal\":true,"
	"\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
	"\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
	"/sbin:/bin\",\"TERM=xterm\"],\"cwd\":\"/\","
	"\"capabilities\":{"
	"\"bounding\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
	"\"effective\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
	"\"permitted\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
	"\"ambient\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]},"
	"\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],"
	"\"noNewPrivileges\":true},"
	"\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
	"\"hostname\":\"sublet\","
	"\"mounts\":["
	"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	"{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
	"\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
	"{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
	"\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\","
	"\"mode=0620\",\"gid=5\"]},"
	"{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
	"\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\","
	"\"size=65536k\"]},"
	"{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
	"\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
	"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
	"\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
	"{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\","
	"\"source\":\"cgroup\",\"options\":[\"nosuid\",\"noexec\",\"nodev\","
	"\"relatime\",\"ro\"]}],"
	"\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,"
	"\"access\":\"rwm\"}]},"
	"\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},"
	"{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},"
	"{\"type\":\"cgroup\"}],"
	"\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\","
	"\"/proc/keys\",\"/proc/latency_stats\",\"/proc/timer_list\","
	"\"/proc/timer_stats\",\"/proc/sched_debug\",\"/sys/firmware\","
	"\"/proc/scsi\"],"
	"\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\","
	"\"/proc/sys\",\"/proc/sysrq-trigger\"]}}";

/**
 * idmap() - a one-entry id mapping array
 * @host:	host id mapped to 0
 *
 * Return: new json-c array
 */
static struct json_object *idmap(unsigned int host)
{
	struct json_object *a = json_object_new_array(),
			   *m = json_object_new_object();

	json_object_object_add(m, "containerID", json_object_new_int(0));
	json_object_object_add(m, "hostID", json_object_new_int64(host));
	json_object_object_add(m, "size", json_object_new_int(1));
	json_object_array_add(a, m);
	return a;
}

/**
 * make_rootless() - adapt the template for an unprivileged user
 * @doc:	the config
 */
static void make_rootless(struct json_object *doc)
{
	struct json_object *linux_o, *ns, *mounts, *keep, *nns;

	json_object_object_get_ex(doc, "linux", &linux_o);
	json_object_object_del(linux_o, "resources");
	json_object_object_add(linux_o, "uidMappings", idmap(getuid()));
	json_object_object_add(linux_o, "gidMappings", idmap(getgid()));
	json_object_object_get_ex(linux_o, "namespaces", &ns);
	nns = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(ns); i++) {
		struct json_object *n = json_object_array_get_idx(ns, i), *t;

		json_object_object_get_ex(n, "type", &t);
		if (strcmp(json_object_get_string(t), "network") &&
		    strcmp(json_object_get_string(t), "cgroup"))
			json_object_array_add(nns, json_object_get(n));
	}
	json_object_array_add(nns, json_object_new_object());
	json_object_object_add(json_object_array_get_idx(
				       nns, json_object_array_length(nns) - 1),
			       "type", json_object_new_string("user"));
	json_object_object_add(linux_o, "namespaces", nns);
	json_object_object_get_ex(doc, "mounts", &mounts);
	keep = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(mounts); i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i);
		const char *d = json_object_get_string(
			json_object_object_get(m, "destination"));

		if (!strcmp(d, "/sys/fs/cgroup"))
			continue;
		if (!strcmp(d, "/sys"))
			m = json_object_new_string("");
		json_object_array_add(keep,
				      m == json_object_array_get_idx(mounts, i)
					      ? json_object_get(m)
					      : m);
	}
	json_object_object_add(doc, "mounts", keep);
}

/**
 * fix_mounts() - the rootless /sys and devpts entries
 * @doc:	the config after make_rootless()
 */
static void fix_mounts(struct json_object *doc)
{
	struct json_object *mounts = json_object_object_get(doc, "mounts");

	for (size_t i = 0; i < json_object_array_length(mounts); i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i),
				   *o;

		if (json_object_is_type(m, json_type_string)) {
			m = json_tokener_parse(
				"{\"destination\":\"/sys\",\"type\":\"none\","
				"\"source\":\"/sys\",\"options\":[\"rbind\","
				"\"nosuid\",\"noexec\",\"nodev\",\"ro\"]}");
			json_object_array_put_idx(mounts, i, m);
			continue;
		}
		o = json_object_object_get(m, "options");
		if (!o)
			continue;
		for (size_t k = 0; k < json_object_array_length(o); k++)
			if (!strcmp(json_object_get_string(
					    json_object_array_get_idx(o, k)),
				    "gid=5"))
				json_object_array_del_idx(o, k, 1);
	}
}

/**
 * cmd_spec() - sublet spec
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_spec(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rootless", no_argument, NULL, 'r' },
		{ "bundle", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = ".", *s;
	struct json_object *doc;
	bool rootless = false;
	char path[4096];
	int o, fd;

	while ((o = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		switch (o) {
		case 'r':
			rootless = true;
			break;
		case 'b':
			bundle = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_usage("spec", "bad option (see --help)");
		}
	}
	if (optind != argc)
		return cli_usage("spec", "no arguments expected");
	doc = json_tokener_parse(template);
	if (rootless) {
		make_rootless(doc);
		fix_mounts(doc);
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		json_object_put(doc);
		if (errno == EEXIST)
			return cli_usage("spec", "`%s` already exists", path);
		return cli_usage("spec", "create `%s`: %s", path,
				 strerror(errno));
	}
	s = json_object_to_json_string_ext(
		doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	dprintf(fd, "%s\n", s);
	close(fd);
	json_object_put(doc);
	(void)c;
	return 0;
}

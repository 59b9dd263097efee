// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-features.c - sublet features: the OCI features document
 */
#include <getopt.h>
#include <stdio.h>

#include "runtime/cli/cli.h"

static const char features[] =
	"{\n"
	"  \"ociVersionMin\": \"1.0.0\",\n"
	"  \"ociVersionMax\": \"" SUBLET_OCI_VERSION "\",\n"
	"  \"hooks\": [\"prestart\", \"createRuntime\", \"createContainer\", "
	"\"startContainer\", \"poststart\", \"poststop\"],\n"
	"  \"mountOptions\": [\"async\", \"atime\", \"bind\", \"dev\", "
	"\"diratime\", \"dirsync\", \"exec\", \"mand\", \"noatime\", "
	"\"nodev\", \"nodiratime\", \"noexec\", \"nomand\", \"norelatime\", "
	"\"nostrictatime\", \"nosuid\", \"private\", \"rbind\", \"relatime\", "
	"\"remount\", \"ro\", \"rprivate\", \"rshared\", \"rslave\", "
	"\"runbindable\", \"rw\", \"shared\", \"slave\", \"strictatime\", "
	"\"suid\", \"sync\", \"tmpcopyup\", \"unbindable\"],\n"
	"  \"linux\": {\n"
	"    \"namespaces\": [\"cgroup\", \"ipc\", \"mount\", \"network\", "
	"\"pid\", \"user\", \"uts\"],\n"
	"    \"capabilities\": [\"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\", "
	"\"CAP_DAC_READ_SEARCH\", \"CAP_FOWNER\", \"CAP_FSETID\", "
	"\"CAP_KILL\", \"CAP_SETGID\", \"CAP_SETUID\", \"CAP_SETPCAP\", "
	"\"CAP_LINUX_IMMUTABLE\", \"CAP_NET_BIND_SERVICE\", "
	"\"CAP_NET_BROADCAST\", \"CAP_NET_ADMIN\", \"CAP_NET_RAW\", "
	"\"CAP_IPC_LOCK\", \"CAP_IPC_OWNER\", \"CAP_SYS_MODULE\", "
	"\"CAP_SYS_RAWIO\", \"CAP_SYS_CHROOT\", \"CAP_SYS_PTRACE\", "
	"\"CAP_SYS_PACCT\", \"CAP_SYS_ADMIN\", \"CAP_SYS_BOOT\", "
	"\"CAP_SYS_NICE\", \"CAP_SYS_RESOURCE\", \"CAP_SYS_TIME\", "
	"\"CAP_SYS_TTY_CONFIG\", \"CAP_MKNOD\", \"CAP_LEASE\", "
	"\"CAP_AUDIT_WRITE\", \"CAP_AUDIT_CONTROL\", \"CAP_SETFCAP\", "
	"\"CAP_MAC_OVERRIDE\", \"CAP_MAC_ADMIN\", \"CAP_SYSLOG\", "
	"\"CAP_WAKE_ALARM\", \"CAP_BLOCK_SUSPEND\", \"CAP_AUDIT_READ\", "
	"\"CAP_PERFMON\", \"CAP_BPF\", \"CAP_CHECKPOINT_RESTORE\"],\n"
	"    \"cgroup\": {\"v1\": true, \"v2\": true, \"systemd\": true, "
	"\"systemdUser\": true},\n"
	"    \"seccomp\": {\"enabled\": true, \"actions\": [\"SCMP_ACT_ALLOW\", "
	"\"SCMP_ACT_ERRNO\", \"SCMP_ACT_KILL\", \"SCMP_ACT_KILL_PROCESS\", "
	"\"SCMP_ACT_KILL_THREAD\", \"SCMP_ACT_LOG\", \"SCMP_ACT_NOTIFY\", "
	"\"SCMP_ACT_TRACE\", \"SCMP_ACT_TRAP\"], \"operators\": "
	"[\"SCMP_CMP_EQ\", \"SCMP_CMP_GE\", \"SCMP_CMP_GT\", \"SCMP_CMP_LE\", "
	"\"SCMP_CMP_LT\", \"SCMP_CMP_MASKED_EQ\", \"SCMP_CMP_NE\"], "
	"\"archs\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X86_64\", "
	"\"SCMP_ARCH_X32\", \"SCMP_ARCH_AARCH64\", \"SCMP_ARCH_ARM\"], "
	"\"knownFlags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", "
	"\"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"]},\n"
	"    \"apparmor\": {\"enabled\": false},\n"
	"    \"selinux\": {\"enabled\": false}\n"
	"  },\n"
	"  \"annotations\": {\"org.sublet.version\": \"" SUBLET_VERSION "\"}\n"
	"}\n";

/**
 * cmd_features() - sublet features
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_features(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	(void)c;
	while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (o == 'h') {
			puts("Usage: sublet features");
			return 0;
		}
		return cli_usage("features", "bad option (see --help)");
	}
	if (optind != argc)
		return cli_usage("features", "no arguments expected");
	fputs(features, stdout);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - sublet-overlayfs: command line, mount, daemon, FUSE loop
 *
 * DOC: Theory of Operation
 * The command line is fuse-overlayfs 1.x's: "-o" lists (options.c), "-f"
 * to stay in the foreground, "-d" for debug output, and the mountpoint,
 * optionally preceded by a source argument as mount.fuse3 passes it.
 * Everything that can be checked before mounting is checked in the
 * calling process, so a bad option or a missing layer fails with one line
 * and a non-zero exit.
 *
 * Engines expect the command to return only once the filesystem is
 * mounted.  Unless "-f" is given the program forks first; the child
 * creates the FUSE session, mounts it (directly when it is root in its
 * user namespace, otherwise through the setuid fusermount3), and only
 * then writes one byte to a pipe the parent waits on.  The parent exits 0
 * on that byte, or non-zero when the pipe closes without it (the child
 * has printed why).  The child then detaches from the terminal and serves
 * requests with libfuse's multi-threaded loop until unmounted.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "overlayfs-fuse/ovl.h"

#define OVL_VERSION "0.1"

static const char *prog_name = "sublet-overlayfs";

/**
 * usage() - print the help text
 * @f:		stream
 */
static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-f] [-d] [-o OPTION[,OPTION...]]... [SOURCE] MOUNTPOINT\n"
		"FUSE overlay filesystem for rootless containers "
		"(a drop-in for fuse-overlayfs).\n"
		"\n"
		"  -f                     stay in the foreground\n"
		"  -d, --debug            debug output (implies -f)\n"
		"  -s                     single-threaded loop (as threaded=0)\n"
		"  -o OPTIONS             comma separated options (below)\n"
		"  -h, --help             show this help and exit\n"
		"  -V, --version          show the version and exit\n"
		"\n"
		"Options:\n"
		"  lowerdir=DIR[:DIR...]  read-only layers, topmost first "
		"(\\: for a colon)\n"
		"  upperdir=DIR           writable layer (none: read-only mount)\n"
		"  workdir=DIR            work directory on upperdir's filesystem\n"
		"  uidmapping=H:C:L[:H:C:L...]  show host uid H.. as C..\n"
		"  gidmapping=H:C:L[:H:C:L...]  show host gid H.. as C..\n"
		"  squash_to_root         every file is owned by 0:0\n"
		"  squash_to_uid=UID      every file is owned by UID\n"
		"  squash_to_gid=GID      every file has group GID\n"
		"  static_nlink           st_nlink 1 for every directory\n"
		"  noacl                  no POSIX ACL support\n"
		"  xattr_permissions=0|1|2  keep owner and mode in the\n"
		"                         security.(1) or user.(2) "
		"fuseoverlayfs.override_stat xattr\n"
		"  timeout=SECONDS        kernel cache timeout for entries and "
		"attributes\n"
		"  threaded=0|1           multi-threaded loop (default 1)\n"
		"  fsync=0|1              pass fsync to the layers (default 1)\n"
		"  writeback=0|1          kernel write cache (default 1)\n"
		"  passthrough=0|1        kernel reads/writes layer files where\n"
		"                         it grants that: rootful (default 1)\n"
		"  volatile               never fsync\n"
		"  debug                  as -d\n"
		"  allow_other, allow_root, default_permissions, auto_unmount, "
		"ro, rw,\n"
		"  [no]suid, [no]dev, [no]exec, [no]atime, fsname=, subtype=, "
		"...\n"
		"                         mount options passed to libfuse\n"
		"Other options are ignored with a warning.  Unmount with "
		"fusermount3 -u MOUNTPOINT.\n",
		prog_name);
}

/**
 * parse_args() - parse the command line into @cfg
 * @argc:	argument count
 * @argv:	arguments
 * @cfg:	configuration
 *
 * Exits on --help, --version and bad arguments.
 */
static void parse_args(int argc, char **argv, struct ovl_config *cfg)
{
	char *pos[2] = { NULL, NULL }, errbuf[256];
	int npos = 0, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *opts = NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("%s version %s\nFUSE library version %s\n",
			       prog_name, OVL_VERSION, fuse_pkgversion());
			exit(0);
		} else if (!strcmp(a, "-f")) {
			cfg->foreground = true;
		} else if (!strcmp(a, "-d") || !strcmp(a, "--debug")) {
			cfg->debug = true;
		} else if (!strcmp(a, "-s")) {
			cfg->threaded = false;
		} else if (!strcmp(a, "-o")) {
			if (++i == argc)
				die("option -o needs a value");
			opts = argv[i];
		} else if (!strncmp(a, "-o", 2)) {
			opts = a + 2;
		} else if (a[0] == '-' && a[1]) {
			die("unknown option %s (see --help)", a);
		} else if (npos < 2) {
			pos[npos++] = argv[i];
		} else {
			die("too many arguments: %s (see --help)", a);
		}
		if (opts &&
		    config_parse_opts(cfg, opts, errbuf, sizeof(errbuf)) < 0)
			die("%s", errbuf);
	}
	if (npos == 0)
		die("no mountpoint given (see --help)");
	cfg->mountpoint = pos[npos - 1];
}

/**
 * check_mountpoint() - the mountpoint must be a directory
 * @path:	mountpoint
 */
static void check_mountpoint(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		die("mountpoint %s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		die("mountpoint %s: %s", path, strerror(ENOTDIR));
}

/*
 * Requests the kernel sends without waiting for each (written-back
 * pages, readahead).  Each one in flight takes a worker thread and its
 * 1 MiB request buffer: the kernel's default of 12 doubled the daemon's
 * peak memory on a large write and was no faster on 2 CPUs.
 */
#define OVL_MAX_BACKGROUND 4

/**
 * ovl_init() - libfuse init: choose the capabilities we use
 * @userdata:	the filesystem
 * @conn:	connection
 */
static void ovl_init(void *userdata, struct fuse_conn_info *conn)
{
	struct ovl_fs *fs = userdata;

	/*
	 * No FUSE_CAP_SPLICE_MOVE: with it the kernel takes the pages a
	 * read is answered with out of the layer file's page cache and
	 * gives them to this mount's file, so every read through the mount
	 * evicts the lower layer from the host's cache.
	 */
	conn->want |= conn->capable &
		      (FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE |
		       FUSE_CAP_PARALLEL_DIROPS | FUSE_CAP_ATOMIC_O_TRUNC |
		       FUSE_CAP_READDIRPLUS);
	conn->want &= ~(FUSE_CAP_READDIRPLUS_AUTO | FUSE_CAP_SPLICE_MOVE);
	fs->no_opendir = conn->capable & FUSE_CAP_NO_OPENDIR_SUPPORT;
	/* the kernel takes passthrough only without the writeback cache */
	fs->passthrough = pt_wanted();
	if (!fs->passthrough && fs->cfg->writeback && fs->has_upper &&
	    (conn->capable & FUSE_CAP_WRITEBACK_CACHE)) {
		conn->want |= FUSE_CAP_WRITEBACK_CACHE;
		fs->writeback = true;
		conn->max_background = OVL_MAX_BACKGROUND;
		space_init(fs);
	}
}

static const struct fuse_lowlevel_ops ovl_ops = {
	.init = ovl_init,
	.lookup = ovl_op_lookup,
	.forget = ovl_op_forget,
	.forget_multi = ovl_op_forget_multi,
	.getattr = ovl_op_getattr,
	.setattr = ovl_op_setattr,
	.readlink = ovl_op_readlink,
	.mknod = ovl_op_mknod,
	.mkdir = ovl_op_mkdir,
	.unlink = ovl_op_unlink,
	.rmdir = ovl_op_rmdir,
	.symlink = ovl_op_symlink,
	.rename = ovl_op_rename,
	.link = ovl_op_link,
	.open = ovl_op_open,
	.read = ovl_op_read,
	.write_buf = ovl_op_write_buf,
	.release = ovl_op_release,
	.fsync = ovl_op_fsync,
	.opendir = ovl_op_opendir,
	.readdir = ovl_op_readdir,
	.readdirplus = ovl_op_readdirplus,
	.statfs = ovl_op_statfs,
	.setxattr = ovl_op_setxattr,
	.getxattr = ovl_op_getxattr,
	.listxattr = ovl_op_listxattr,
	.removexattr = ovl_op_removexattr,
	.create = ovl_op_create,
	.fallocate = ovl_op_fallocate,
	.copy_file_range = ovl_op_copy_file_range,
	.lseek = ovl_op_lseek,
};

/**
 * build_fuse_args() - the argument vector for fuse_session_new()
 * @fs:		filesystem
 * @cfg:	configuration
 * @args:	filled
 *
 * The mount options are fuse-overlayfs's for the same caller: noatime
 * always, and when we run with euid 0 (root, or root of the user
 * namespace of a rootless engine) allow_other and suid as well, so that
 * every user of the container reaches its files (the kernel still checks
 * each access: default_permissions) and its setuid programs work.  The
 * user's own -o options come last and win.
 */
static void build_fuse_args(const struct ovl_fs *fs,
			    const struct ovl_config *cfg,
			    struct fuse_args *args)
{
	char *o = NULL;

	if (asprintf(&o,
		     "default_permissions,noatime%s,fsname=%s,subtype=%s%s%s%s",
		     geteuid() == 0 ? ",allow_other,suid" : "", prog_name,
		     prog_name, fs->has_upper ? "" : ",ro",
		     cfg->fuse_opts ? "," : "",
		     cfg->fuse_opts ? cfg->fuse_opts : "") < 0)
		die("out of memory");
	if (fuse_opt_add_arg(args, prog_name) || fuse_opt_add_arg(args, "-o") ||
	    fuse_opt_add_arg(args, o) ||
	    (cfg->debug && fuse_opt_add_arg(args, "-d")))
		die("out of memory");
	free(o);
}

/**
 * serve() - mount, report readiness on @ready_fd, run the loop
 * @fs:		filesystem, the userdata of every request
 * @cfg:	configuration
 * @ready_fd:	pipe to write the "mounted" byte to, or -1
 *
 * Return: exit status
 */
static int serve(struct ovl_fs *fs, struct ovl_config *cfg, int ready_fd)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_loop_config *lc;
	struct fuse_session *se;
	int ret;

	build_fuse_args(fs, cfg, &args);
	se = fuse_session_new(&args, &ovl_ops, sizeof(ovl_ops), fs);
	fuse_opt_free_args(&args);
	if (!se)
		return 1;
	fs->se = se;
	if (fuse_session_mount(se, cfg->mountpoint) != 0) {
		fuse_session_destroy(se);
		return 1;
	}
	pt_setup(fs, se);
	if (fuse_set_signal_handlers(se) != 0)
		warn("cannot set signal handlers");
	if (ready_fd >= 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (write(ready_fd, "m", 1) != 1)
			warn("cannot report readiness: %m");
		close(ready_fd);
		if (null >= 0 && !cfg->debug) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		if (null > 2)
			close(null);
	}
	if (cfg->threaded) {
		lc = fuse_loop_cfg_create();
		fuse_loop_cfg_set_clone_fd(lc, 0);
		fuse_loop_cfg_set_max_threads(lc, 16);
		ret = fuse_session_loop_mt(se, lc);
		fuse_loop_cfg_destroy(lc);
	} else {
		ret = fuse_session_loop(se);
	}
	fuse_remove_signal_handlers(se);
	fuse_session_unmount(se);
	fuse_session_destroy(se);
	return ret ? 1 : 0;
}

/**
 * daemonize() - fork; the parent waits until the child has mounted
 *
 * Return: in the child, the write end of the readiness pipe
 */
static int daemonize(void)
{
	int p[2], status;
	char c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		die_errno(errno, "pipe");
	pid = fork();
	if (pid < 0)
		die_errno(errno, "fork");
	if (pid == 0) {
		close(p[0]);
		if (setsid() < 0)
			warn("setsid: %m");
		return p[1];
	}
	close(p[1]);
	if (read(p[0], &c, 1) == 1)
		exit(0);
	/* the child failed before mounting; it said why */
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status))
		exit(WEXITSTATUS(status));
	exit(1);
}

/**
 * main() - sublet-overlayfs entry point
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int main(int argc, char **argv)
{
	static struct ovl_fs fs = { .tree_lock = PTHREAD_RWLOCK_INITIALIZER };
	static struct ovl_config cfg;
	char errbuf[512];
	int ready_fd = -1;

	prog_name = basename(argv[0]);
	log_init(prog_name);
	config_init(&cfg);
	parse_args(argc, argv, &cfg);
	if (cfg.debug) {
		log_set_level(LOG_LVL_DEBUG);
		cfg.foreground = true;
	}
	if (cfg.nlower == 0)
		die("no lowerdir given (-o lowerdir=DIR[:DIR...])");
	check_mountpoint(cfg.mountpoint);
	umask(0);
	if (layers_open(&fs, &cfg, errbuf, sizeof(errbuf)) < 0)
		die("%s", errbuf);
	/*
	 * Nodes are made by one worker thread and freed by another; two
	 * malloc arenas keep freed nodes reusable instead of one arena
	 * per thread each holding on to its own free memory.
	 */
	mallopt(M_ARENA_MAX, 2);
	if (nodes_init(&fs) < 0)
		die("out of memory");
	if (!cfg.foreground)
		ready_fd = daemonize();
	return serve(&fs, &cfg, ready_fd);
}

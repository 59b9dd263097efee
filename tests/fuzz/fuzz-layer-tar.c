// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-layer-tar.c - libFuzzer target for the image layer reader
 *
 * DOC: Theory of Operation
 * The input is a layer file, plain or compressed as libarchive detects.
 * Like `sublet image import`, its diff_id is computed, then it is
 * unpacked by layer.c's unpack_fn() (included here: it is static) into a
 * fresh directory, which is removed afterwards.
 *
 * The process first becomes root of a user namespace mapping every id to
 * itself (as the real import unpacks as root of a user namespace: mknod
 * of real devices is refused there), with a mount namespace of its own.
 * Each input is unpacked chrooted into a sandbox directory holding only
 * `canary` (a file), `proc` (/proc, bound, for the sanitizers' reports)
 * and `layer` (the directory unpack_fn() fills: layer/diff, layer/format).
 * An escape cannot reach the real tree then, and is seen afterwards: any
 * other name in the sandbox or in layer/, a changed canary, or an xattr
 * or mode change on those is a finding and aborts.  The chroot is left
 * through a file descriptor of the real root before anything else runs
 * (also from an ASan report), so crash inputs are written where
 * libFuzzer writes them.  ASan, UBSan and LeakSanitizer catch the rest.
 */
#include <dirent.h>
#include <ftw.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "runtime/image/layer.c"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif
#ifdef HAVE_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define CANARY "sublet canary\n"

static char sandbox[] = "/tmp/sublet-fuzz-layer.XXXXXX";
static int root_fd = -1, cwd_fd = -1, layer_fd = -1;
static struct stat canary_st;

/**
 * leave() - back from the chroot to the real root and working directory
 */
static void leave(void)
{
	if (fchdir(root_fd) || chroot(".") || fchdir(cwd_fd))
		abort();
}

#ifdef HAVE_ASAN
/**
 * asan_report() - leave the sandbox before libFuzzer writes the input
 * @report:	the report (printed already)
 */
static void asan_report(const char *report)
{
	leave();
}
#endif

/**
 * write_file() - write @text to @path
 * @path:	file, created or truncated
 * @text:	content
 *
 * Return: 0 or -1
 */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/**
 * write_maps() - map @pid's ids: all to themselves (as root), or the
 *		  caller to root
 * @pid:	process in the new user namespace
 *
 * Return: 0 or -1
 */
static int write_maps(pid_t pid)
{
	char path[64], map[64];

	snprintf(map, sizeof(map), "0 %u %u", geteuid(),
		 geteuid() ? 1 : 4294967295u);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	if (write_file(path, map))
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
	if (geteuid() && write_file(path, "deny"))
		return -1;
	snprintf(map, sizeof(map), "0 %u %u", getegid(),
		 geteuid() ? 1 : 4294967295u);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	return write_file(path, map);
}

/**
 * enter_userns() - become root of a new user namespace (its maps are
 *		    written by a child left outside) with a mount namespace
 *
 * Return: 0, or -1 when user namespaces are not available
 */
static int enter_userns(void)
{
	int p[2], st = 0, r;
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) != 1 || write_maps(getppid()));
	}
	close(p[0]);
	r = pid < 0 ? -1 : unshare(CLONE_NEWUSER | CLONE_NEWNS);
	if (!r && write(p[1], "u", 1) != 1)
		r = -1;
	close(p[1]);
	if (pid > 0 && (waitpid(pid, &st, 0) < 0 || st))
		r = -1;
	return r || geteuid() ? -1 : 0;
}

/**
 * remove_sandbox() - at exit, remove the sandbox
 */
static void remove_sandbox(void)
{
	char cmd[sizeof(sandbox) + 32];

	snprintf(cmd, sizeof(cmd), "%s/proc", sandbox);
	umount2(cmd, MNT_DETACH);
	snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system '%s'", sandbox);
	if (system(cmd))
		fprintf(stderr, "fuzz-layer-tar: could not remove %s\n",
			sandbox);
}

/**
 * setup() - namespaces, sandbox, canary, the layer's memfd (once)
 */
static void setup(void)
{
	char path[sizeof(sandbox) + 16];

	if (root_fd >= 0)
		return;
	if (enter_userns() && (geteuid() != 0 || unshare(CLONE_NEWNS))) {
		fprintf(stderr, "fuzz-layer-tar: needs a user namespace or "
				"root (for chroot)\n");
		exit(1);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    !mkdtemp(sandbox))
		abort();
	atexit(remove_sandbox);
	snprintf(path, sizeof(path), "%s/proc", sandbox);
	if (mkdir(path, 0555) ||
	    mount("/proc", path, NULL, MS_BIND | MS_REC, NULL))
		abort();
	snprintf(path, sizeof(path), "%s/canary", sandbox);
	if (write_file(path, CANARY) || lstat(path, &canary_st))
		abort();
	root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cwd_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	layer_fd = memfd_create("layer", MFD_CLOEXEC);
	if (root_fd < 0 || cwd_fd < 0 || layer_fd < 0)
		abort();
#ifdef HAVE_ASAN
	__asan_set_error_report_callback(asan_report);
#endif
}

/**
 * LLVMFuzzerInitialize() - libFuzzer's start, still single-threaded
 * @argc:	unused
 * @argv:	unused
 *
 * Return: 0
 */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	setup();
	return 0;
}

/**
 * finding() - leave the sandbox, say why, abort
 * @why:	the finding
 * @name:	the path concerned
 */
static void finding(const char *why, const char *name)
{
	leave();
	fprintf(stderr, "fuzz-layer-tar: %s: %s\n", why, name);
	remove_sandbox();
	abort();
}

/**
 * check_names() - abort on a name in @dir not in @allowed
 * @dir:	directory (inside the sandbox)
 * @allowed:	NULL-terminated names
 */
static void check_names(const char *dir, const char *const *allowed)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t i;

	if (!d)
		finding("cannot list", dir);
	while ((de = readdir(d))) {
		for (i = 0; allowed[i] && strcmp(allowed[i], de->d_name); i++)
			;
		if (!allowed[i])
			finding("written outside the layer", de->d_name);
	}
	closedir(d);
}

/**
 * check_unchanged() - abort unless @path has @mode and no xattr
 * @path:	sandbox file
 * @mode:	its st_mode
 */
static void check_unchanged(const char *path, mode_t mode)
{
	struct stat st;

	if (lstat(path, &st) || st.st_mode != mode || st.st_uid != 0)
		finding("mode or owner changed", path);
	if (llistxattr(path, NULL, 0) > 0)
		finding("xattr set", path);
}

/**
 * check_sandbox() - abort on anything written outside layer/diff
 */
static void check_sandbox(void)
{
	static const char *const top[] = { ".",	   "..",    "canary",
					   "proc", "layer", NULL };
	static const char *const layer[] = { ".", "..", "diff", "format",
					     NULL };
	char buf[sizeof(CANARY)] = "";
	struct stat st;
	int fd;

	check_names("/", top);
	check_names("/layer", layer);
	check_unchanged("/", S_IFDIR | 0700);
	check_unchanged("/layer", S_IFDIR | 0700);
	check_unchanged("/canary", canary_st.st_mode);
	fd = open("/canary", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || st.st_nlink != 1 ||
	    st.st_ino != canary_st.st_ino ||
	    st.st_mtim.tv_sec != canary_st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != canary_st.st_mtim.tv_nsec ||
	    read(fd, buf, sizeof(buf)) != sizeof(CANARY) - 1 ||
	    strcmp(buf, CANARY))
		finding("canary changed or linked", "canary");
	close(fd);
}

/**
 * rm_one() - nftw callback removing one entry
 * @path:	entry
 * @st:		unused
 * @type:	unused
 * @ftw:	unused
 *
 * Return: 0 or -1
 */
static int rm_one(const char *path, const struct stat *st, int type,
		  struct FTW *ftw)
{
	return remove(path);
}

/**
 * load() - put @data in the layer memfd, at offset 0
 * @data:	input
 * @size:	its length
 */
static void load(const uint8_t *data, size_t size)
{
	if (ftruncate(layer_fd, 0) || lseek(layer_fd, 0, SEEK_SET) ||
	    (size && write(layer_fd, data, size) != (ssize_t)size) ||
	    lseek(layer_fd, 0, SEEK_SET))
		abort();
}

/**
 * LLVMFuzzerTestOneInput() - libFuzzer entry point
 * @data:	input
 * @size:	its length
 *
 * Return: 0
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct unpack u = { .dir = "/layer" };
	struct sl_error e = { 0 };
	char hex[65];
	mode_t mask;
	int r;

	setup();
	load(data, size);
	if (sl_layer_diffid(layer_fd, hex, &e)) {
		if (!e.msg[0])
			abort();
		return 0;
	}
	lseek(layer_fd, 0, SEEK_SET);
	u.fd = layer_fd;
	mask = umask(0);
	if (chroot(sandbox) || chdir("/") || mkdir("/layer", 0700))
		finding("cannot set up", "/layer");
	r = unpack_fn(&u, &e);
	if (chdir("/"))
		finding("cannot chdir", "/");
	if (r && !e.msg[0])
		finding("refused without a message", "/layer");
	check_sandbox();
	if (nftw("/layer", rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT))
		finding("cannot remove", "/layer");
	leave();
	umask(mask);
	return 0;
}

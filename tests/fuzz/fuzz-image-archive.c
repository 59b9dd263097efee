// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-image-archive.c - libFuzzer target for the outer image readers
 *
 * DOC: Theory of Operation
 * The input is the file a user hands `sublet image import`: a docker
 * archive (a tar with manifest.json), or any other tar, read as a rootfs.
 * It is imported twice through image.c (included here: its readers are
 * static): once as a file, then unpacked plainly into a directory that is
 * imported as an OCI layout or an unpacked docker archive.
 *
 * What lies below the readers is replaced by probes: the store lives in a
 * scratch directory, and the layer reader (sl_layer_diffid(), unpacked in
 * a user namespace by the real program) only checks the file it is
 * handed: it must be a regular file inside the scratch directory, or the
 * input itself.  Anything else (a path out of the archive, a device, a
 * FIFO, a link to a host file) is a finding and aborts.  Next to the
 * scratch directory lies `home` with a canary file, standing for the
 * user's files: a changed canary or a new name there aborts too.
 *
 * Run it as an unprivileged user (`make fuzz-image-archive`): as root it
 * first enters a user namespace where it is nobody on the host, so that a
 * bug cannot write to the host's files.
 */
#include <dirent.h>
#include <ftw.h>
#include <sched.h>
#include <sys/wait.h>

#include "runtime/image/image.c"

#define CANARY "sublet canary\n"

static char top[] = "/tmp/sublet-fuzz-image.XXXXXX";
static char scratch[PATH_MAX], input[PATH_MAX];

/**
 * write_file() - create @path with @len bytes of @data
 * @path:	file
 * @data:	contents
 * @len:	their length
 */
static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len))
		abort();
	close(fd);
}

/**
 * rm_one() - nftw callback: remove one entry
 * @path:	entry
 * @st:		its status
 * @flag:	kind
 * @ftw:	position
 *
 * Return: 0
 */
static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/**
 * rm_rf() - remove a tree
 * @path:	its root
 */
static void rm_rf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/**
 * write_proc() - write @text to /proc/@pid/@name
 * @pid:	process
 * @name:	file
 * @text:	contents
 */
static void write_proc(pid_t pid, const char *name, const char *text)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		_exit(1);
	close(fd);
}

/**
 * enter_sandbox() - as root, become nobody on the host in a user namespace
 *
 * The maps must be written from the parent namespace: a helper child
 * that stays there writes ours once we have unshared.
 */
static void enter_sandbox(void)
{
	pid_t self = getpid(), child;
	int go[2], status;
	char c;

	if (geteuid() != 0)
		return;
	if (chown(top, 65534, 65534) < 0 || pipe(go) < 0)
		abort();
	child = fork();
	if (child < 0)
		abort();
	if (child == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		write_proc(self, "setgroups", "deny");
		write_proc(self, "uid_map", "0 65534 1");
		write_proc(self, "gid_map", "0 65534 1");
		_exit(0);
	}
	close(go[0]);
	if (unshare(CLONE_NEWUSER) < 0 || write(go[1], "1", 1) != 1)
		abort();
	close(go[1]);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		abort();
	/* our credentials are still the host's root: take the mapped ones */
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		abort();
}

/**
 * cleanup() - remove the scratch directory and the canary at exit
 */
static void cleanup(void)
{
	rm_rf(top);
}

/**
 * setup() - the scratch directory and the canary, once
 */
static void setup(void)
{
	char path[PATH_MAX];

	if (*scratch)
		return;
	if (!mkdtemp(top))
		abort();
	chmod(top, 0755);
	enter_sandbox();
	snprintf(scratch, sizeof(scratch), "%s/scratch", top);
	snprintf(input, sizeof(input), "%s/input", top);
	snprintf(path, sizeof(path), "%s/home", top);
	if (mkdir(scratch, 0700) < 0 || mkdir(path, 0700) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/home/canary", top);
	write_file(path, CANARY, strlen(CANARY));
	atexit(cleanup);
}

/**
 * check_home() - the canary is whole and alone
 */
static void check_home(void)
{
	char path[PATH_MAX], buf[64];
	struct dirent *d;
	DIR *dir;
	int fd, n = 0;
	ssize_t len;

	snprintf(path, sizeof(path), "%s/home", top);
	if (!(dir = opendir(path)))
		abort();
	while ((d = readdir(dir)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			n++;
	closedir(dir);
	snprintf(path, sizeof(path), "%s/home/canary", top);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	len = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	if (n != 1 || len != (ssize_t)strlen(CANARY) ||
	    memcmp(buf, CANARY, strlen(CANARY)))
		abort();
}

/* the layer reader's probe: the file handed over must be ours */
int sl_layer_diffid(int fd, char hex[65], struct sl_error *e)
{
	char link[32], path[PATH_MAX];
	struct stat st;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		abort();
	path[n] = '\0';
	if (strcmp(path, input) && (strncmp(path, scratch, strlen(scratch)) ||
				    path[strlen(scratch)] != '/'))
		abort();
	return sl_sha256_file(fd, hex, e);
}

int sl_layer_unpack(const struct sl_idmaps *m, int fd, const char *hex,
		    struct sl_error *e)
{
	return 0;
}

/* the store, in the scratch directory */
int sl_store_dir(const char *sub, char **out, struct sl_error *e)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", scratch, sub);
	mkdir(path, 0700);
	*out = strdup(path);
	return *out ? 0 : -ENOMEM;
}

int sl_idmaps_get(struct sl_idmaps *m, struct sl_error *e)
{
	memset(m, 0, sizeof(*m));
	return 0;
}

int sl_rm_rf_userns(const struct sl_idmaps *m, const char *path,
		    struct sl_error *e)
{
	rm_rf(path);
	return 0;
}

int sl_image_save(const char *name, const char *id, char **layers, size_t n,
		  struct json_object *config, struct sl_error *e)
{
	return 0;
}

int sl_store_lock(bool excl, struct sl_error *e)
{
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int sl_store_sweep(const struct sl_idmaps *m, struct sl_error *e)
{
	return 0;
}

bool sl_image_exists(const char *name)
{
	return false;
}

int sl_store_collect(const struct sl_idmaps *m, struct sl_error *e)
{
	return 0;
}

int sl_image_load(const char *name, struct sl_image *img, struct sl_error *e)
{
	return -ENOENT;
}

bool sl_name_valid(const char *name)
{
	return name && *name && !strstr(name, "..") && name[0] != '/';
}

/**
 * import_one() - import @path, dropping the result
 * @path:	file or directory
 */
static void import_one(const char *path)
{
	struct sl_import_opts o = { .path = path, .name = "fuzz" };
	struct sl_error e = { 0 };
	char *name = NULL;

	if (!sl_image_import(&o, &name, &e))
		free(name);
}

/**
 * LLVMFuzzerInitialize() - libFuzzer's start, still single-threaded (a
 * threaded process cannot enter a user namespace)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[PATH_MAX];
	struct sl_error e = { 0 };
	int fd;

	setup();
	write_file(input, data, size);
	import_one(input);
	check_home();
	snprintf(dir, sizeof(dir), "%s/dir", scratch);
	if (mkdir(dir, 0700) < 0)
		abort();
	fd = open(input, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		abort();
	if (!unpack_plain(fd, dir, "archive", &e))
		import_one(dir);
	close(fd);
	check_home();
	rm_rf(scratch);
	if (mkdir(scratch, 0700) < 0)
		abort();
	return 0;
}

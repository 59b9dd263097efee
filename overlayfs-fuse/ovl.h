/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ovl.h - sublet-overlayfs: shared types of the overlay filesystem
 *
 * DOC: Theory of Operation
 * The overlay is a stack of layer directories: an optional writable upper
 * layer on top of one or more read-only lower layers.  Every layer is
 * reached through a directory fd opened at start-up, and every file in it
 * by a path relative to that fd, so the daemon never depends on its cwd
 * or on absolute paths after the mount.
 *
 * A node (struct ovl_node) is one name in the merged tree: its parent, its
 * name, the layer its topmost entry lives in, and for directories the
 * lowest layer merged into it.  The FUSE node id handed to the kernel is
 * the node's address.  Nodes are found by (parent, name) in one hash
 * table (node.c); the path of a node inside any layer is built by walking
 * the parents.  Structure changes (create, unlink, rename, copy-up) hold
 * the tree lock for writing; lookups, attribute reads and directory reads
 * hold it for reading, so they run in parallel; data reads and writes go
 * straight to the layer file's fd and hold no lock at all.
 *
 * The mounted filesystem is one struct ovl_fs, made by main() and given
 * to libfuse as the session's userdata: each handler takes it from its
 * request (fuse_req_userdata()) and passes it down to every function
 * that reaches a layer or the configuration.  There is no global state
 * shared between files; what a file keeps for itself (node.c's hash
 * table, dir.c's listing numbers, passthrough.c's INIT hooks) is static
 * to it.  The root node is the one node without a parent.
 */
#ifndef SUBLET_OVL_H
#define SUBLET_OVL_H

#define FUSE_USE_VERSION 312

#include <fuse_lowlevel.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#define OVL_MAX_LAYERS 500
#define OVL_MAX_IDMAP 340

/* names and attributes overlays use on disk */
#define WH_PREFIX ".wh."
#define WH_PREFIX_LEN 4
#define WH_OPAQUE ".wh..wh..opq"
#define XATTR_OPAQUE_FOVL "user.fuseoverlayfs.opaque"
#define XATTR_OPAQUE_USER "user.overlay.opaque"
#define XATTR_OPAQUE_TRUSTED "trusted.overlay.opaque"
#define XATTR_ORIGIN "user.fuseoverlayfs.origin"
#define XATTR_OVERRIDE_FOVL "user.fuseoverlayfs.override_stat"
#define XATTR_OVERRIDE_PRIV "security.fuseoverlayfs.override_stat"
#define XATTR_OVERRIDE_CONTAINERS "user.containers.override_stat"

/**
 * struct ovl_idmap - one uidmapping/gidmapping range
 * @cont:	first id as the mount shows it
 * @host:	first id as stored in the layers
 * @len:	number of ids
 */
struct ovl_idmap {
	uint32_t cont;
	uint32_t host;
	uint32_t len;
};

/**
 * struct ovl_config - what the command line asked for
 * @lowerdirs:		lower layer paths, topmost first
 * @nlower:		number of lower layers
 * @upperdir:		upper layer path or NULL (read-only mount)
 * @workdir:		work directory path or NULL
 * @mountpoint:		where to mount
 * @uidmap:		uid ranges
 * @nuidmap:		number of uid ranges
 * @gidmap:		gid ranges
 * @ngidmap:		number of gid ranges
 * @squash_uid:		uid every file shows, or -1
 * @squash_gid:		gid every file shows, or -1
 * @static_nlink:	report st_nlink 1 for every directory
 * @noacl:		no POSIX ACL support
 * @xattr_permissions:	0, 1 (security.) or 2 (user.) override_stat
 * @timeout:		entry/attr cache timeout, seconds
 * @timeout_set:	@timeout came from the command line
 * @threaded:		run a multi-threaded loop
 * @fsync:		pass fsync to the layers
 * @volatile_:		skip every fsync (as fsync=0)
 * @writeback:		let the kernel cache writes (FUSE_CAP_WRITEBACK_CACHE)
 * @passthrough:	let the kernel read and write layer files itself
 *			where it grants that (passthrough.c)
 * @foreground:		do not daemonize
 * @debug:		libfuse debug output
 * @fuse_opts:		options handed to libfuse, comma separated
 */
struct ovl_config {
	char **lowerdirs;
	int nlower;
	char *upperdir;
	char *workdir;
	char *mountpoint;
	struct ovl_idmap uidmap[OVL_MAX_IDMAP];
	int nuidmap;
	struct ovl_idmap gidmap[OVL_MAX_IDMAP];
	int ngidmap;
	int64_t squash_uid;
	int64_t squash_gid;
	bool static_nlink;
	bool noacl;
	int xattr_permissions;
	double timeout;
	bool timeout_set;
	bool threaded;
	bool fsync;
	bool volatile_;
	bool writeback;
	bool passthrough;
	bool foreground;
	bool debug;
	char *fuse_opts;
};

/**
 * struct ovl_layer - one layer directory
 * @fd:		O_PATH|O_DIRECTORY fd of the layer root
 * @path:	path as given (for messages)
 * @dev:	st_dev of the root
 * @override:	override_stat xattr this layer honours, or NULL
 */
struct ovl_layer {
	int fd;
	char *path;
	dev_t dev;
	const char *override;
};

/**
 * struct ovl_node - one name in the merged tree
 * @parent:	parent directory node (NULL for the root)
 * @name:	name in @parent
 * @hnext:	next node in the same hash bucket
 * @nlookup:	lookups the kernel holds
 * @nchild:	child nodes that point here
 * @ino:	st_ino reported (the origin layer file's inode)
 * @layer:	index of the layer holding the topmost entry
 * @last:	directories: lowest layer merged in
 * @type:	S_IFMT bits
 * @dir_nlink:	merged directories: cached st_nlink, 0 when unknown
 * @gone_fd:	O_PATH fd of the file once its name is removed, or -1
 * @opens:	open files (counted only with passthrough, passthrough.c)
 * @backing_id:	passthrough backing number while @opens > 0, or 0
 * @bdev:	st_dev of the file @backing_id stands for
 * @bino:	st_ino of that file
 * @hashed:	in the hash table (false once unlinked or replaced)
 * @lists:	directories: listings being read (dir.c), newest first
 */
struct ovl_node {
	struct ovl_node *parent;
	char *name;
	struct ovl_node *hnext;
	uint64_t nlookup;
	uint64_t nchild;
	ino_t ino;
	int layer;
	int last;
	mode_t type;
	nlink_t dir_nlink;
	int gone_fd;
	unsigned int opens;
	int backing_id;
	dev_t bdev;
	ino_t bino;
	bool hashed;
	struct ovl_dir *lists;
};

/**
 * struct ovl_fs - the mounted filesystem
 * @cfg:	configuration
 * @layers:	layers, upper first when there is one
 * @nlayers:	number of layers
 * @has_upper:	layers[0] is writable
 * @work_fd:	work directory fd or -1
 * @wh_chardev:	write whiteouts as char 0/0 (else as .wh.NAME files)
 * @root:	root node
 * @tree_lock:	write-held by structure changes, read-held by lookups
 * @tmp_seq:	counter for names in the work directory
 * @no_opendir:	the kernel opens directories without asking (ops_read.c)
 * @writeback:	the kernel caches writes (FUSE_CAP_WRITEBACK_CACHE granted)
 * @passthrough: the kernel reads and writes layer files (FUSE_PASSTHROUGH)
 * @se:		the FUSE session, for notifications (reply.c)
 * @space_margin: free bytes in the upper layer below which files opened
 *		for writing bypass the writeback cache (reply.c)
 * @space_err:	ENOSPC or EDQUOT while the last write to the upper layer
 *		failed with it, else 0 (atomic)
 */
struct ovl_fs {
	struct ovl_config *cfg;
	struct ovl_layer layers[OVL_MAX_LAYERS + 1];
	int nlayers;
	bool has_upper;
	int work_fd;
	bool wh_chardev;
	struct ovl_node *root;
	pthread_rwlock_t tree_lock;
	uint64_t tmp_seq;
	bool no_opendir;
	bool writeback;
	bool passthrough;
	struct fuse_session *se;
	uint64_t space_margin;
	int space_err;
};

/* the upper layer's directory fd (layers[0] when there is an upper layer) */
#define UPPER_FD(fs) ((fs)->layers[0].fd)

/**
 * tree_rdlock() - take the tree lock for reading (lookups, reads)
 * @fs:		filesystem
 */
static inline void tree_rdlock(struct ovl_fs *fs)
{
	pthread_rwlock_rdlock(&fs->tree_lock);
}

/**
 * tree_wrlock() - take the tree lock for writing (structure changes)
 * @fs:		filesystem
 */
static inline void tree_wrlock(struct ovl_fs *fs)
{
	pthread_rwlock_wrlock(&fs->tree_lock);
}

/**
 * tree_unlock() - release the tree lock
 * @fs:		filesystem
 */
static inline void tree_unlock(struct ovl_fs *fs)
{
	pthread_rwlock_unlock(&fs->tree_lock);
}

/* passthrough.c */
void pt_setup(struct ovl_fs *fs, struct fuse_session *se);
bool pt_wanted(void);
int pt_open(struct ovl_fs *fs, struct ovl_node *n, int fd);
void pt_release(struct ovl_fs *fs, struct ovl_node *n);
int pt_reply(fuse_req_t req, const struct fuse_entry_param *e,
	     struct fuse_file_info *fi, int id);

/* options.c */
void config_init(struct ovl_config *cfg);
void config_free(struct ovl_config *cfg);
int config_parse_opts(struct ovl_config *cfg, const char *opts, char *errbuf,
		      size_t errlen);
int config_split_lowerdir(const char *s, char ***dirs, int *n);
int config_parse_idmap(const char *s, struct ovl_idmap *map, int *n);

/* idmap.c */
uint32_t idmap_to_cont(const struct ovl_idmap *map, int n, uint32_t id);
uint32_t idmap_to_host(const struct ovl_idmap *map, int n, uint32_t id);
void attr_present(struct ovl_fs *fs, struct stat *st, int layer, int fd,
		  const char *path);
int attr_host(struct ovl_fs *fs, int layer, const char *path, struct stat *st);
int override_write(struct ovl_fs *fs, int dirfd, const char *path, uid_t uid,
		   gid_t gid, mode_t mode);
void owner_to_host(struct ovl_fs *fs, uid_t uid, gid_t gid, uid_t *huid,
		   gid_t *hgid);

/* work.c */
int work_tmpname(struct ovl_fs *fs, char *buf);
int work_remove(struct ovl_fs *fs, const char *name);
void work_clean(struct ovl_fs *fs);

/* layers.c */
int layers_open(struct ovl_fs *fs, struct ovl_config *cfg, char *errbuf,
		size_t errlen);
void layer_xpath(struct ovl_fs *fs, int layer, const char *path, char *buf);
int path_join(char *buf, const char *dir, const char *name);
bool is_whiteout_stat(const struct stat *st);
int layer_stat(struct ovl_fs *fs, int layer, const char *path, struct stat *st);
bool layer_whiteout(struct ovl_fs *fs, int layer, const char *dir,
		    const char *name);
bool layer_opaque(struct ovl_fs *fs, int layer, const char *dir);
bool xattr_hidden(const char *name);

/* dir.c */
/**
 * struct ovl_dirent - one entry of a merged directory listing
 * @name:	entry name
 * @type:	S_IFMT bits of the entry
 * @ino:	layer inode number
 */
struct ovl_dirent {
	char *name;
	mode_t type;
	ino_t ino;
};
/**
 * struct ovl_dir - a merged directory listing
 * @ents:	entries ("." and ".." first)
 * @n:		number of entries
 * @gen:	listings kept in a node: number in the readdir offsets
 * @next:	listings kept in a node: the next older one
 */
struct ovl_dir {
	struct ovl_dirent *ents;
	size_t n;
	uint32_t gen;
	struct ovl_dir *next;
};
int dir_read_merged(struct ovl_fs *fs, const struct ovl_node *dir,
		    const char *path, int last, struct ovl_dir **out);
void dir_free(struct ovl_dir *d);
struct ovl_dir *dir_list_take(struct ovl_node *dir, off_t off, size_t *first);
void dir_list_number(struct ovl_dir *d);
void dir_list_put(struct ovl_node *dir, struct ovl_dir *d, bool done);
void dir_lists_free(struct ovl_node *dir);
off_t dir_offset(const struct ovl_dir *d, size_t next);

/* node.c */
int nodes_init(struct ovl_fs *fs);
struct ovl_node *node_get(struct ovl_fs *fs, fuse_ino_t ino);
fuse_ino_t node_id(struct ovl_node *n);
int node_path(struct ovl_node *n, char *buf);
int node_child_path(struct ovl_node *parent, const char *name, char *buf);
int node_last(struct ovl_node *n);
int node_lookup(struct ovl_fs *fs, struct ovl_node *parent, const char *name,
		struct ovl_node **out, struct stat *st);
int node_stat(struct ovl_fs *fs, struct ovl_node *n, struct stat *st);
void node_ref(struct ovl_node *n, uint64_t count);
void node_forget(struct ovl_node *n, uint64_t count);
void node_unhash(struct ovl_node *n);
void node_dir_changed(struct ovl_node *dir);
int node_open_path(struct ovl_fs *fs, struct ovl_node *n);
void node_set_gone(struct ovl_node *n, int fd);
void node_detach(struct ovl_fs *fs, struct ovl_node *n);
void node_move(struct ovl_node *n, struct ovl_node *parent, const char *name);
bool node_in_upper(struct ovl_fs *fs, struct ovl_node *n);
bool name_in_lower(struct ovl_fs *fs, struct ovl_node *parent,
		   const char *name);
int node_read_dir(struct ovl_fs *fs, struct ovl_node *n, struct ovl_dir **out);
int node_dir_empty(struct ovl_fs *fs, struct ovl_node *n);

/* copyup.c */
int copyup(struct ovl_fs *fs, struct ovl_node *n);
int copyup_trunc(struct ovl_fs *fs, struct ovl_node *n);
int copyup_unlocked(struct ovl_fs *fs, struct ovl_node *n, bool data);
int copyup_tree(struct ovl_fs *fs, struct ovl_node *dir);
int copyup_parent(struct ovl_fs *fs, struct ovl_node *parent, char *ppath);
int copy_xattrs(int sfd, int dfd);

/* whiteout.c */
int whiteout_create(struct ovl_fs *fs, const char *dir, const char *name);
int whiteout_replace(struct ovl_fs *fs, const char *dir, const char *name);
int whiteout_clear(struct ovl_fs *fs, const char *dir, const char *name);
int opaque_set(int dirfd, const char *path);
int upper_dir_clean(struct ovl_fs *fs, const char *dir);

/* reply.c */
double attr_timeout(struct ovl_fs *fs, const struct stat *st);
int writeback_flags(struct ovl_fs *fs, int flags);
void space_init(struct ovl_fs *fs);
void reply_write_through(struct ovl_fs *fs, struct fuse_file_info *fi);
int space_refuse(struct ovl_fs *fs, struct fuse_file_info *fi);
void space_after_write(struct ovl_fs *fs, fuse_ino_t ino,
		       struct fuse_file_info *fi, int err);
void reply_fill_entry(struct ovl_fs *fs, struct fuse_entry_param *e,
		      struct ovl_node *n, const struct stat *st);
void reply_entry(struct ovl_fs *fs, fuse_req_t req, struct ovl_node *n,
		 const struct stat *st);

/* ops_read.c */
void ovl_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void ovl_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void ovl_op_forget_multi(fuse_req_t req, size_t count,
			 struct fuse_forget_data *forgets);
void ovl_op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ovl_op_readlink(fuse_req_t req, fuse_ino_t ino);
void ovl_op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ovl_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi);
void ovl_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi);
void ovl_op_statfs(fuse_req_t req, fuse_ino_t ino);
void ovl_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		     size_t size);
void ovl_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);

/* ops_data.c */
void ovl_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ovl_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		 struct fuse_file_info *fi);
void ovl_op_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *buf,
		      off_t off, struct fuse_file_info *fi);
void ovl_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ovl_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		  struct fuse_file_info *fi);
void ovl_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
		      off_t length, struct fuse_file_info *fi);
void ovl_op_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
			    struct fuse_file_info *fi_in, fuse_ino_t ino_out,
			    off_t off_out, struct fuse_file_info *fi_out,
			    size_t len, int flags);
void ovl_op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		  struct fuse_file_info *fi);

/* ops_namespace.c */
void ovl_op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		   mode_t mode, struct fuse_file_info *fi);
void ovl_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode, dev_t rdev);
void ovl_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode);
void ovl_op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		    const char *name);
void ovl_op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		 const char *newname);
void ovl_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void ovl_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);

/* ops_rename.c */
void ovl_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		   fuse_ino_t newparent, const char *newname,
		   unsigned int flags);

/* ops_attr.c */
void ovl_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		    int to_set, struct fuse_file_info *fi);
void ovl_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		     const char *value, size_t size, int flags);
void ovl_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);

#endif /* SUBLET_OVL_H */

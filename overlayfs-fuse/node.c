// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * node.c - the merged tree: nodes, their paths, and lookup through layers
 *
 * DOC: Theory of Operation
 * A node is created the first time the kernel looks a name up, and lives
 * while the kernel holds a lookup count on it or a child node points to
 * it (a child needs its parent to build its path).  The table maps
 * (parent, name) to the node, so the same name always gives the same FUSE
 * node id and a rename only has to move one node: the paths of every node
 * below it follow, because paths are built by walking the parents.
 *
 * Resolving a name walks the layers from the top, starting at the layer
 * the parent directory's topmost entry lives in and ending at the lowest
 * layer merged into the parent:
 *  - a whiteout (char 0/0, or .wh.NAME beside it) ends the walk: the name
 *    is deleted from there down;
 *  - the first real entry is the node's; a non-directory ends the walk;
 *  - a directory continues the walk to merge the same directory in lower
 *    layers, until an opaque directory, a whiteout or a non-directory;
 *    the lowest layer reached is the node's @last.
 * A child can never reach below its parent's @last (node_last()), which
 * also makes a directory that was moved or made opaque hide what was
 * below it for every cached node under it.
 *
 * The st_ino shown is the inode number of the entry the node came from.
 * When a file is copied up, the lower inode number is kept in the xattr
 * user.fuseoverlayfs.origin on the upper copy, so the number stays the
 * same across copy-up and across remounts.
 *
 * Locking: the hash table and the reference counts are guarded by
 * table_lock, held only for table operations.  Callers hold fs->tree_lock
 * (read or write) around node_path() and everything that uses a path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/log.h"
#include "overlayfs-fuse/ovl.h"

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ovl_node **table;
static size_t table_size;
static size_t table_count;

/**
 * hash_of() - bucket of (@parent, @name)
 * @parent:	parent node
 * @name:	entry name
 *
 * Return: bucket index
 */
static size_t hash_of(const struct ovl_node *parent, const char *name)
{
	uint64_t h = 1469598103934665603ULL ^ (uintptr_t)parent;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	return h & (table_size - 1);
}

/**
 * table_grow() - double the table when it is getting full
 */
static void table_grow(void)
{
	struct ovl_node **nt, *n, *next;
	size_t old = table_size, i;

	if (table_count < table_size * 2)
		return;
	nt = calloc(old * 2, sizeof(*nt));
	if (!nt)
		return;
	table_size = old * 2;
	for (i = 0; i < old; i++) {
		for (n = table[i]; n; n = next) {
			size_t b = hash_of(n->parent, n->name);

			next = n->hnext;
			n->hnext = nt[b];
			nt[b] = n;
		}
	}
	free(table);
	table = nt;
}

/**
 * table_find() - find the hashed node (@parent, @name); table_lock held
 * @parent:	parent node
 * @name:	entry name
 *
 * Return: the node or NULL
 */
static struct ovl_node *table_find(struct ovl_node *parent, const char *name)
{
	struct ovl_node *n;

	for (n = table[hash_of(parent, name)]; n; n = n->hnext)
		if (n->parent == parent && !strcmp(n->name, name))
			return n;
	return NULL;
}

/**
 * table_insert() - hash @n; table_lock held
 * @n:		node with parent and name set
 */
static void table_insert(struct ovl_node *n)
{
	size_t b;

	table_grow();
	b = hash_of(n->parent, n->name);
	n->hnext = table[b];
	table[b] = n;
	n->hashed = true;
	table_count++;
}

/**
 * table_remove() - unhash @n if hashed; table_lock held
 * @n:		node
 */
static void table_remove(struct ovl_node *n)
{
	struct ovl_node **pp;

	if (!n->hashed)
		return;
	for (pp = &table[hash_of(n->parent, n->name)]; *pp;
	     pp = &(*pp)->hnext) {
		if (*pp == n) {
			*pp = n->hnext;
			break;
		}
	}
	n->hashed = false;
	table_count--;
}

/**
 * maybe_free() - free @n and unused ancestors; table_lock held
 * @n:		node whose counts may have dropped to zero
 */
static void maybe_free(struct ovl_node *n)
{
	while (n && n->parent && n->nlookup == 0 && n->nchild == 0) {
		struct ovl_node *p = n->parent;

		table_remove(n);
		if (n->gone_fd >= 0)
			close(n->gone_fd);
		dir_lists_free(n);
		free(n->name);
		free(n);
		p->nchild--;
		n = p;
	}
}

/**
 * nodes_init() - create the table and the root node
 * @fs:		filesystem with its layers open
 *
 * Return: 0 or -ENOMEM
 */
int nodes_init(struct ovl_fs *fs)
{
	struct ovl_node *root = calloc(1, sizeof(*root));
	struct stat st;
	int i;

	table_size = 1024;
	table = calloc(table_size, sizeof(*table));
	if (!root || !table)
		return -ENOMEM;
	root->name = strdup("");
	root->gone_fd = -1;
	root->type = S_IFDIR;
	root->nlookup = 1;
	root->last = fs->nlayers - 1;
	for (i = 0; i < fs->nlayers; i++) {
		if (layer_opaque(fs, i, ".")) {
			root->last = i;
			break;
		}
	}
	if (layer_stat(fs, 0, ".", &st) == 0)
		root->ino = st.st_ino;
	fs->root = root;
	return 0;
}

/**
 * node_get() - node of a FUSE node id
 * @fs:		filesystem
 * @ino:	node id from the kernel
 *
 * Return: the node
 */
struct ovl_node *node_get(struct ovl_fs *fs, fuse_ino_t ino)
{
	if (ino == FUSE_ROOT_ID)
		return fs->root;
	return (struct ovl_node *)(uintptr_t)ino;
}

/**
 * node_id() - FUSE node id of @n
 * @n:		node
 *
 * Return: the node id
 */
fuse_ino_t node_id(struct ovl_node *n)
{
	if (!n->parent)
		return FUSE_ROOT_ID;
	return (fuse_ino_t)(uintptr_t)n;
}

/**
 * node_path() - path of @n relative to a layer root ("." for the root)
 * @n:		node
 * @buf:	PATH_MAX bytes
 *
 * Return: 0 or -ENAMETOOLONG
 */
int node_path(struct ovl_node *n, char *buf)
{
	size_t pos = PATH_MAX - 1, len;
	struct ovl_node *p;

	if (!n->parent) {
		strcpy(buf, ".");
		return 0;
	}
	buf[pos] = '\0';
	for (p = n; p->parent; p = p->parent) {
		len = strlen(p->name);
		if (len + 1 > pos)
			return -ENAMETOOLONG;
		pos -= len;
		memcpy(buf + pos, p->name, len);
		if (p->parent->parent)
			buf[--pos] = '/';
	}
	memmove(buf, buf + pos, PATH_MAX - pos);
	return 0;
}

/**
 * node_child_path() - path of @name inside directory @parent
 * @parent:	directory node
 * @name:	entry name
 * @buf:	PATH_MAX bytes
 *
 * Return: 0 or -ENAMETOOLONG
 */
int node_child_path(struct ovl_node *parent, const char *name, char *buf)
{
	char p[PATH_MAX];
	int ret = node_path(parent, p);

	return ret ? ret : path_join(buf, p, name);
}

/**
 * node_last() - lowest layer that can contribute below @n
 * @n:		node
 *
 * Return: layer index
 */
int node_last(struct ovl_node *n)
{
	int last = n->last;

	for (n = n->parent; n; n = n->parent)
		if (n->last < last)
			last = n->last;
	return last;
}

/**
 * node_in_upper() - does @n's topmost entry live in the upper layer?
 * @fs:		filesystem
 * @n:		node
 *
 * Return: true if it does
 */
bool node_in_upper(struct ovl_fs *fs, struct ovl_node *n)
{
	return fs->has_upper && n->layer == 0;
}

/**
 * origin_ino() - inode number recorded at copy-up, if any
 * @fs:		filesystem
 * @path:	path in the upper layer
 * @ino:	updated when an origin is recorded
 */
static void origin_ino(struct ovl_fs *fs, const char *path, ino_t *ino)
{
	char xp[PATH_MAX + 32], v[32];
	unsigned long long o;
	ssize_t n;

	layer_xpath(fs, 0, path, xp);
	n = lgetxattr(xp, XATTR_ORIGIN, v, sizeof(v) - 1);
	if (n <= 0)
		return;
	v[n] = '\0';
	if (sscanf(v, "%llu", &o) == 1)
		*ino = o;
}

/**
 * merged_nlink() - st_nlink of a directory merged from several layers
 * @fs:		filesystem
 * @n:		directory node
 *
 * Two plus the number of subdirectories in the merged view, as
 * fuse-overlayfs counts it; cached in the node until the directory
 * changes (node_dir_changed()).
 *
 * Return: the link count (1 if the directory cannot be read)
 */
static nlink_t merged_nlink(struct ovl_fs *fs, struct ovl_node *n)
{
	nlink_t cached = __atomic_load_n(&n->dir_nlink, __ATOMIC_RELAXED);
	struct ovl_dir *d;
	nlink_t count = 2;
	size_t i;

	if (cached)
		return cached;
	if (node_read_dir(fs, n, &d))
		return 1;
	for (i = 2; i < d->n; i++)
		if (S_ISDIR(d->ents[i].type))
			count++;
	dir_free(d);
	__atomic_store_n(&n->dir_nlink, count, __ATOMIC_RELAXED);
	return count;
}

/**
 * node_read_dir() - the merged listing of directory node @n
 * @fs:		filesystem
 * @n:		directory node
 * @out:	new listing (dir_free() it), written only on success
 *
 * Caller holds fs->tree_lock.
 *
 * Return: 0 or -errno
 */
int node_read_dir(struct ovl_fs *fs, struct ovl_node *n, struct ovl_dir **out)
{
	char path[PATH_MAX];
	int ret = node_path(n, path);

	return ret ? ret : dir_read_merged(fs, n, path, node_last(n), out);
}

/**
 * node_dir_empty() - is the merged directory @n empty?
 * @fs:		filesystem
 * @n:		directory node
 *
 * Return: 1 if empty, 0 if not, -errno
 */
int node_dir_empty(struct ovl_fs *fs, struct ovl_node *n)
{
	struct ovl_dir *d;
	int ret = node_read_dir(fs, n, &d);

	if (ret)
		return ret;
	ret = d->n <= 2;
	dir_free(d);
	return ret;
}

/**
 * node_dir_changed() - forget @dir's cached count of subdirectories
 * @dir:	directory node
 *
 * Called when a directory is created in, removed from, or renamed into
 * or out of @dir; changes to other entries leave the count alone (and
 * re-reading a large merged directory after every unlink in it would
 * make removing its files quadratic).
 */
void node_dir_changed(struct ovl_node *dir)
{
	__atomic_store_n(&dir->dir_nlink, 0, __ATOMIC_RELAXED);
}

/**
 * node_present() - finish layer attributes @st of @n for the mount
 * @fs:		filesystem
 * @n:		node
 * @path:	its path in its layer
 * @st:		attributes of that entry, changed in place
 */
static void node_present(struct ovl_fs *fs, struct ovl_node *n,
			 const char *path, struct stat *st)
{
	st->st_ino = n->ino;
	if (S_ISDIR(st->st_mode) && fs->cfg->static_nlink)
		st->st_nlink = 1;
	else if (S_ISDIR(st->st_mode) && node_last(n) > n->layer)
		st->st_nlink = merged_nlink(fs, n);
	attr_present(fs, st, n->layer, -1, path);
}

/**
 * node_stat() - attributes of @n as the mount shows them
 * @fs:		filesystem
 * @n:		node
 * @st:		result
 *
 * Return: 0 or -errno
 */
int node_stat(struct ovl_fs *fs, struct ovl_node *n, struct stat *st)
{
	char path[PATH_MAX];
	int ret = node_path(n, path);

	if (!ret)
		ret = layer_stat(fs, n->layer, path, st);
	if (!ret)
		node_present(fs, n, path, st);
	return ret;
}

/**
 * resolve() - walk the layers for @name in @parent (see Theory)
 * @fs:		filesystem
 * @parent:	directory node
 * @name:	entry name
 * @tmpl:	node to fill (layer, last, type, ino)
 * @top:	attributes of the topmost entry
 * @p:		PATH_MAX bytes: the entry's path in the layers
 *
 * Return: 0 or -ENOENT
 */
static int resolve(struct ovl_fs *fs, struct ovl_node *parent, const char *name,
		   struct ovl_node *tmpl, struct stat *top, char *p)
{
	int i, bound = node_last(parent), found = -1;
	char dir[PATH_MAX];
	struct stat st;

	if (node_path(parent, dir) || path_join(p, dir, name))
		return -ENAMETOOLONG;
	for (i = parent->layer; i <= bound; i++) {
		if (layer_stat(fs, i, p, &st) < 0) {
			if (layer_whiteout(fs, i, dir, name))
				break;
			continue;
		}
		if (is_whiteout_stat(&st))
			break;
		if (found >= 0 && !S_ISDIR(st.st_mode))
			break;
		if (found < 0) {
			found = i;
			tmpl->layer = i;
			tmpl->type = st.st_mode & S_IFMT;
			tmpl->ino = st.st_ino;
			*top = st;
			if (i == 0 && fs->has_upper)
				origin_ino(fs, p, &tmpl->ino);
		}
		tmpl->last = i;
		if (!S_ISDIR(st.st_mode) || layer_opaque(fs, i, p))
			break;
	}
	return found < 0 ? -ENOENT : 0;
}

/**
 * node_lookup() - find or create the node for @name in @parent
 * @fs:		filesystem
 * @parent:	directory node
 * @name:	entry name
 * @out:	node with one more lookup count, written only on success
 * @st:		its attributes
 *
 * Caller holds fs->tree_lock.
 *
 * Return: 0 or -errno (-ENOENT when the name does not exist)
 */
int node_lookup(struct ovl_fs *fs, struct ovl_node *parent, const char *name,
		struct ovl_node **out, struct stat *st)
{
	struct ovl_node tmpl = { 0 }, *n;
	char path[PATH_MAX];
	int ret;

	if (!S_ISDIR(parent->type))
		return -ENOTDIR;
	if (strlen(name) > NAME_MAX)
		return -ENAMETOOLONG;
	if (!strncmp(name, WH_PREFIX, WH_PREFIX_LEN))
		return -ENOENT;
	pthread_mutex_lock(&table_lock);
	n = table_find(parent, name);
	if (n)
		n->nlookup++;
	pthread_mutex_unlock(&table_lock);
	if (n) {
		ret = node_stat(fs, n, st);
		if (ret)
			node_forget(n, 1);
		else
			*out = n;
		return ret;
	}
	ret = resolve(fs, parent, name, &tmpl, st, path);
	if (ret)
		return ret;
	n = calloc(1, sizeof(*n));
	if (!n || !(n->name = strdup(name))) {
		free(n);
		return -ENOMEM;
	}
	n->parent = parent;
	n->gone_fd = -1;
	n->layer = tmpl.layer;
	n->last = tmpl.last;
	n->type = tmpl.type;
	n->ino = tmpl.ino;
	n->nlookup = 1;
	node_present(fs, n, path, st);
	pthread_mutex_lock(&table_lock);
	if (table_find(parent, name)) {
		/* another thread won the race: use its node */
		free(n->name);
		free(n);
		n = table_find(parent, name);
		n->nlookup++;
	} else {
		parent->nchild++;
		table_insert(n);
	}
	pthread_mutex_unlock(&table_lock);
	*out = n;
	return 0;
}

/**
 * node_ref() - add @count lookups to @n
 * @n:		node
 * @count:	lookups
 */
void node_ref(struct ovl_node *n, uint64_t count)
{
	pthread_mutex_lock(&table_lock);
	n->nlookup += count;
	pthread_mutex_unlock(&table_lock);
}

/**
 * node_forget() - drop @count lookups from @n, freeing it when unused
 * @n:		node
 * @count:	lookups
 */
void node_forget(struct ovl_node *n, uint64_t count)
{
	pthread_mutex_lock(&table_lock);
	n->nlookup = n->nlookup > count ? n->nlookup - count : 0;
	maybe_free(n);
	pthread_mutex_unlock(&table_lock);
}

/**
 * node_open_path() - an O_PATH fd of @n's layer file
 * @fs:		filesystem
 * @n:		node (not a directory)
 *
 * Taken before a name is removed, so the attributes of a file that is
 * still open stay readable (node_set_gone()).
 *
 * Return: fd or -errno
 */
int node_open_path(struct ovl_fs *fs, struct ovl_node *n)
{
	char path[PATH_MAX];
	int fd, ret = node_path(n, path);

	if (ret)
		return ret;
	fd = openat(fs->layers[n->layer].fd, path,
		    O_PATH | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/**
 * node_set_gone() - @n's name was removed; keep @fd to its file
 * @n:		node, unhashed
 * @fd:		O_PATH fd from node_open_path() (owned), or negative
 */
void node_set_gone(struct ovl_node *n, int fd)
{
	pthread_mutex_lock(&table_lock);
	if (n->gone_fd >= 0)
		close(n->gone_fd);
	n->gone_fd = fd;
	pthread_mutex_unlock(&table_lock);
}

/**
 * node_detach() - let @n's name lead to a new node from the next lookup on
 * @fs:		filesystem
 * @n:		node (not a directory) whose open files stay with it
 *
 * @n keeps an O_PATH fd of its file for their attributes, as if its name
 * had been removed.
 */
void node_detach(struct ovl_fs *fs, struct ovl_node *n)
{
	int fd;

	pthread_rwlock_wrlock(&fs->tree_lock);
	fd = node_open_path(fs, n);
	node_unhash(n);
	node_set_gone(n, fd);
	pthread_rwlock_unlock(&fs->tree_lock);
}

/**
 * node_unhash() - forget the name of @n (it was removed or replaced)
 * @n:		node
 */
void node_unhash(struct ovl_node *n)
{
	pthread_mutex_lock(&table_lock);
	table_remove(n);
	pthread_mutex_unlock(&table_lock);
}

/**
 * node_move() - give @n a new parent and name (after a rename)
 * @n:		node
 * @parent:	new parent
 * @name:	new name
 *
 * A node already hashed under the new name is unhashed.  On allocation
 * failure the node is left unhashed, so it will be looked up afresh.
 */
void node_move(struct ovl_node *n, struct ovl_node *parent, const char *name)
{
	struct ovl_node *old, *oldp = n->parent;
	char *nn = strdup(name);

	pthread_mutex_lock(&table_lock);
	table_remove(n);
	old = table_find(parent, name);
	if (old)
		table_remove(old);
	if (nn) {
		free(n->name);
		n->name = nn;
		parent->nchild++;
		n->parent = parent;
		oldp->nchild--;
		table_insert(n);
		maybe_free(oldp);
	}
	pthread_mutex_unlock(&table_lock);
}

/**
 * name_in_lower() - would @name show if its upper entry were removed?
 * @fs:		filesystem
 * @parent:	directory node
 * @name:	entry name
 *
 * Return: true when a lower layer holds a visible entry for @name
 */
bool name_in_lower(struct ovl_fs *fs, struct ovl_node *parent, const char *name)
{
	int i, bound = node_last(parent);
	char dir[PATH_MAX], p[PATH_MAX];
	struct stat st;

	if (node_path(parent, dir) || path_join(p, dir, name))
		return false;
	for (i = fs->has_upper ? 1 : 0; i <= bound; i++) {
		if (i < parent->layer)
			continue;
		if (layer_stat(fs, i, p, &st) == 0)
			return !is_whiteout_stat(&st);
		if (layer_whiteout(fs, i, dir, name))
			return false;
	}
	return false;
}

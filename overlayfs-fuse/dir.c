// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dir.c - merged directory listings
 *
 * DOC: Theory of Operation
 * A readdir from offset 0 reads the directory in every layer it spans,
 * top down, into one listing that the following readdir calls of the
 * same stream serve by offset.  There are no directory handles (opendir
 * is left to the kernel, see ops_read.c), so the listing is kept in the
 * directory's node and the offset names it: its high 32 bits are the
 * listing's number, the low 32 bits an index in it, so it stays valid
 * however the layers change while the stream is read.  A listing is
 * freed when a readdir finds its end, or when more than OVL_DIR_KEEP
 * streams of the same directory were left unfinished; a stream whose
 * listing is gone gets a fresh one at the same index.  A name
 * seen in a higher layer hides the same name below; a whiteout (.wh.NAME
 * or a char 0/0 device) hides the name in the layers below it and is not
 * listed itself, and neither is the opaque marker file.  The walk stops at
 * the lowest layer the directory node reaches (node_last()), which already
 * accounts for opaque directories.
 *
 * The names seen are kept in an open-addressing hash set, so a directory
 * with a hundred thousand entries costs one pass per layer.
 *
 * This file sits below node.c: it reads a node's fields but calls none of
 * its functions.  The node's path and lowest layer come from the caller
 * (node_read_dir()), and a readdir that finds no listing kept reads one
 * through node_read_dir() and numbers it with dir_list_number().
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "overlayfs-fuse/ovl.h"

/* unfinished listings kept per directory node */
#define OVL_DIR_KEEP 4

/* guards the lists of every node */
static pthread_mutex_t lists_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t list_gen;

/**
 * struct name_set - open-addressing set of names
 * @slots:	names or NULL
 * @size:	number of slots (power of two)
 * @count:	names in the set
 */
struct name_set {
	char **slots;
	size_t size;
	size_t count;
};

/**
 * str_hash() - FNV-1a of @s
 * @s:		string
 *
 * Return: hash value
 */
static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/**
 * set_slot() - slot holding @s, or the empty slot where it would go
 * @set:	set
 * @s:		name
 *
 * Return: slot address
 */
static char **set_slot(struct name_set *set, const char *s)
{
	size_t i = str_hash(s) & (set->size - 1);

	while (set->slots[i] && strcmp(set->slots[i], s))
		i = (i + 1) & (set->size - 1);
	return &set->slots[i];
}

/**
 * set_add() - add @s to @set unless present
 * @set:	set
 * @s:		name (copied)
 *
 * Return: 1 if added, 0 if already present, -ENOMEM
 */
static int set_add(struct name_set *set, const char *s)
{
	char **slot;

	if ((set->count + 1) * 2 > set->size) {
		struct name_set big = { calloc(set->size * 2, sizeof(char *)),
					set->size * 2, set->count };
		size_t i;

		if (!big.slots)
			return -ENOMEM;
		for (i = 0; i < set->size; i++)
			if (set->slots[i])
				*set_slot(&big, set->slots[i]) = set->slots[i];
		free(set->slots);
		*set = big;
	}
	slot = set_slot(set, s);
	if (*slot)
		return 0;
	*slot = strdup(s);
	if (!*slot)
		return -ENOMEM;
	set->count++;
	return 1;
}

/**
 * set_free() - release @set
 * @set:	set
 */
static void set_free(struct name_set *set)
{
	size_t i;

	if (!set->slots)
		return;
	for (i = 0; i < set->size; i++)
		free(set->slots[i]);
	free(set->slots);
}

/**
 * dir_push() - append an entry to @d
 * @d:		listing
 * @cap:	capacity, grown as needed
 * @name:	entry name
 * @type:	S_IFMT bits
 * @ino:	inode number
 *
 * Return: 0 or -ENOMEM
 */
static int dir_push(struct ovl_dir *d, size_t *cap, const char *name,
		    mode_t type, ino_t ino)
{
	if (d->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct ovl_dirent *ne = realloc(d->ents, nc * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		d->ents = ne;
		*cap = nc;
	}
	d->ents[d->n].name = strdup(name);
	if (!d->ents[d->n].name)
		return -ENOMEM;
	d->ents[d->n].type = type;
	d->ents[d->n++].ino = ino;
	return 0;
}

/**
 * entry_type() - S_IFMT of a directory entry, 0 for a whiteout device
 * @dfd:	directory fd
 * @de:		entry
 *
 * Return: S_IFMT bits, 0 for a char 0/0 whiteout, or S_IFREG if unknown
 */
static mode_t entry_type(int dfd, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_CHR && de->d_type != DT_UNKNOWN)
		return DTTOIF(de->d_type);
	if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return S_IFREG;
	if (is_whiteout_stat(&st))
		return 0;
	return st.st_mode & S_IFMT;
}

/**
 * read_layer() - add one layer's part of a directory to @d
 * @fs:		filesystem
 * @layer:	layer index
 * @path:	directory path
 * @d:		listing
 * @cap:	its capacity
 * @seen:	names already listed or deleted
 * @wh:		names this layer's .wh.NAME files delete below it
 *
 * Return: 0 or -errno (a directory missing in this layer is no error)
 */
static int read_layer(struct ovl_fs *fs, int layer, const char *path,
		      struct ovl_dir *d, size_t *cap, struct name_set *seen,
		      struct name_set *wh)
{
	int fd = openat(fs->layers[layer].fd, path,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	DIR *dp;
	int ret = 0;

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return -ENOMEM;
	}
	while (!ret && (de = readdir(dp))) {
		const char *name = de->d_name;
		mode_t type;

		if (!strcmp(name, ".") || !strcmp(name, "..") ||
		    !strcmp(name, WH_OPAQUE))
			continue;
		if (!strncmp(name, WH_PREFIX, WH_PREFIX_LEN)) {
			/* hides the name in the layers below only */
			ret = set_add(wh, name + WH_PREFIX_LEN) < 0 ? -ENOMEM
								    : 0;
			continue;
		}
		ret = set_add(seen, name);
		if (ret <= 0)
			continue;
		ret = 0;
		type = entry_type(fd, de);
		if (type)
			ret = dir_push(d, cap, name, type, de->d_ino);
	}
	closedir(dp);
	return ret;
}

/**
 * merge_whiteouts() - move the names in @wh into @seen
 * @wh:		whiteout names of one layer, emptied
 * @seen:	names hidden from the layers below
 *
 * Return: 0 or -ENOMEM
 */
static int merge_whiteouts(struct name_set *wh, struct name_set *seen)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < wh->size; i++) {
		if (wh->slots[i] && !ret && set_add(seen, wh->slots[i]) < 0)
			ret = -ENOMEM;
		free(wh->slots[i]);
		wh->slots[i] = NULL;
	}
	wh->count = 0;
	return ret;
}

/**
 * dir_read_merged() - the merged listing of directory node @dir
 * @fs:		filesystem
 * @dir:	directory node (its first layer and inode numbers are used)
 * @path:	its path in the layers (node_path())
 * @last:	lowest layer merged into it (node_last())
 * @out:	new listing, written only on success
 *
 * Caller holds fs->tree_lock; node_read_dir() fills in @path and @last.
 *
 * Return: 0 or -errno
 */
int dir_read_merged(struct ovl_fs *fs, const struct ovl_node *dir,
		    const char *path, int last, struct ovl_dir **out)
{
	struct name_set seen = { calloc(64, sizeof(char *)), 64, 0 };
	struct name_set wh = { calloc(64, sizeof(char *)), 64, 0 };
	struct ovl_dir *d = calloc(1, sizeof(*d));
	int i, ret = -ENOMEM;
	size_t cap = 0;

	if (!d || !seen.slots || !wh.slots)
		goto out;
	ret = dir_push(d, &cap, ".", S_IFDIR, dir->ino);
	if (!ret)
		ret = dir_push(d, &cap, "..", S_IFDIR,
			       dir->parent ? dir->parent->ino : dir->ino);
	for (i = dir->layer; !ret && i <= last; i++) {
		ret = read_layer(fs, i, path, d, &cap, &seen, &wh);
		if (!ret)
			ret = merge_whiteouts(&wh, &seen);
	}
out:
	set_free(&seen);
	set_free(&wh);
	if (ret) {
		dir_free(d);
		return ret;
	}
	*out = d;
	return 0;
}

/**
 * dir_free() - release a listing
 * @d:		listing or NULL
 */
void dir_free(struct ovl_dir *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++)
		free(d->ents[i].name);
	free(d->ents);
	free(d);
}

/**
 * dir_offset() - the readdir offset of entry @next of listing @d
 * @d:		listing kept in a node
 * @next:	index of the entry a readdir from this offset starts at
 *
 * Return: the offset
 */
off_t dir_offset(const struct ovl_dir *d, size_t next)
{
	return (off_t)d->gen << 32 | (off_t)(next & 0xffffffffu);
}

/**
 * dir_list_take() - the listing kept in @dir that a readdir from @off reads
 * @dir:	directory node (tree lock held for reading)
 * @off:	offset from the kernel: 0, or one dir_offset() gave
 * @first:	index of the first entry to send
 *
 * Return: the listing, owned by the caller until dir_list_put(), or NULL
 * when none is kept (a new one is read and given to dir_list_number())
 */
struct ovl_dir *dir_list_take(struct ovl_node *dir, off_t off, size_t *first)
{
	uint32_t gen = (uint64_t)off >> 32;
	struct ovl_dir **pp, *d = NULL;

	*first = (uint64_t)off & 0xffffffffu;
	if (!off)
		return NULL;
	pthread_mutex_lock(&lists_lock);
	for (pp = &dir->lists; *pp; pp = &(*pp)->next) {
		if ((*pp)->gen == gen) {
			d = *pp;
			*pp = d->next;
			d->next = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&lists_lock);
	return d;
}

/**
 * dir_list_number() - give a freshly read listing its number
 * @d:		listing from dir_read_merged(), about to be read by offset
 */
void dir_list_number(struct ovl_dir *d)
{
	do
		d->gen = __atomic_add_fetch(&list_gen, 1, __ATOMIC_RELAXED) &
			 0x7fffffffu;
	while (!d->gen);
	d->next = NULL;
}

/**
 * dir_list_put() - give listing @d back to @dir after a readdir
 * @dir:	directory node
 * @d:		listing from dir_list_take(), or one read afresh and numbered
 * @done:	the readdir found the end: the stream needs it no more
 */
void dir_list_put(struct ovl_node *dir, struct ovl_dir *d, bool done)
{
	struct ovl_dir *p, *old = NULL;
	int kept = 1;

	if (done) {
		dir_free(d);
		return;
	}
	pthread_mutex_lock(&lists_lock);
	d->next = dir->lists;
	dir->lists = d;
	for (p = d; p->next; p = p->next) {
		if (++kept > OVL_DIR_KEEP) {
			old = p->next;
			p->next = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&lists_lock);
	while (old) {
		p = old->next;
		dir_free(old);
		old = p;
	}
}

/**
 * dir_lists_free() - free the listings kept in @dir (it is being freed)
 * @dir:	node
 */
void dir_lists_free(struct ovl_node *dir)
{
	struct ovl_dir *d, *next;

	pthread_mutex_lock(&lists_lock);
	d = dir->lists;
	dir->lists = NULL;
	pthread_mutex_unlock(&lists_lock);
	for (; d; d = next) {
		next = d->next;
		dir_free(d);
	}
}

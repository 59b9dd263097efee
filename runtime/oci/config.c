// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - parse an OCI bundle's config.json with json-c
 *
 * DOC: Theory of Operation
 * The whole document is parsed once, and every field the runtime uses is
 * copied into struct sl_config, so the code that sets a container up
 * never looks at JSON.  Every field is type-checked: a field of the wrong
 * type or a missing required field fails the whole parse with a message
 * naming the field by its dotted path ("process.args: expected array of
 * strings").  Unknown fields are ignored, as the spec asks.
 *
 * This file reads the document and its top-level fields (root, hooks)
 * and frees the result; the process object is parsed by
 * config-process.c, the mounts by config-mounts.c and the linux object
 * by config-linux.c, all through the accessors of json.c.
 *
 * The seccomp section and the annotations are kept as json-c objects:
 * seccomp.c reads them when it builds the filter (still before anything
 * is created, so its errors also leave nothing behind).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/cleanup.h"
#include "runtime/oci/config.h"
#include "runtime/oci/json.h"

/**
 * parse_hooks() - the hooks object
 * @root:	the document
 * @c:		config to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int parse_hooks(struct json_object *root, struct sl_config *c,
		       struct sl_error *e)
{
	static const char *const names[SL_HOOK_NKINDS] = {
		"prestart",	  "createRuntime", "createContainer",
		"startContainer", "poststart",	   "poststop",
	};
	struct json_object *h, *a, *o;
	int r;

	r = sl_json_object(root, "hooks", "", false, &h, e);
	if (r || !h)
		return r;
	for (int k = 0; k < SL_HOOK_NKINDS; k++) {
		char where[64];
		size_t n;

		snprintf(where, sizeof(where), "hooks.%s", names[k]);
		r = sl_json_array(h, names[k], "hooks", &a, &n, e);
		if (r || !n)
			continue;
		c->hooks.hooks[k] = calloc(n, sizeof(struct sl_hook));
		if (!c->hooks.hooks[k])
			return sl_error_set(e, ENOMEM, "%s", where);
		for (size_t i = 0; i < n; i++) {
			struct sl_hook *hk = &c->hooks.hooks[k][i];
			int64_t t = 0;
			char w[80];

			snprintf(w, sizeof(w), "%s[%zu]", where, i);
			c->hooks.n[k]++;
			if ((r = sl_json_elem(a, i, where, &o, e)) ||
			    (r = sl_json_strdup(o, "path", w, true, &hk->path,
						e)) ||
			    (r = sl_json_strv(o, "args", w, false, &hk->args,
					      e)) ||
			    (r = sl_json_strv(o, "env", w, false, &hk->env,
					      e)) ||
			    (r = sl_json_int(o, "timeout", w, false, 1,
					     INT32_MAX, &t, NULL, e)))
				return r;
			hk->timeout = (int)t;
		}
	}
	return r;
}

/**
 * parse_root() - root.path (made absolute against @bundle) and readonly
 * @doc:	the document
 * @bundle:	bundle directory
 * @c:		config to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int parse_root(struct json_object *doc, const char *bundle,
		      struct sl_config *c, struct sl_error *e)
{
	_cleanup_free_ char *path = NULL;
	struct json_object *root;
	int r;

	if ((r = sl_json_object(doc, "root", "", true, &root, e)) ||
	    (r = sl_json_strdup(root, "path", "root", true, &path, e)) ||
	    (r = sl_json_bool(root, "readonly", "root", &c->root_readonly, e)))
		return r;
	if (path[0] == '/')
		c->root_path = steal_ptr(&path);
	else if (asprintf(&c->root_path, "%s/%s", bundle, path) < 0)
		return sl_error_set(e, ENOMEM, "root.path");
	return 0;
}

/**
 * sl_config_parse() - parse config.json text
 * @text:	the document
 * @bundle:	absolute bundle directory, for the relative root.path
 * @out:	the config, free with sl_config_free() (written on success)
 * @e:		error, naming the offending field
 *
 * Return: 0 or -errno
 */
int sl_config_parse(const char *text, const char *bundle,
		    struct sl_config **out, struct sl_error *e)
{
	struct sl_config *c = calloc(1, sizeof(*c));
	struct json_tokener *tok;
	struct json_object *p;
	int r;

	if (!c)
		return sl_error_set(e, ENOMEM, "config");
	tok = json_tokener_new();
	c->root = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	if (!c->root) {
		r = sl_error_set(
			e, 0, "malformed JSON: %s",
			json_tokener_error_desc(json_tokener_get_error(tok)));
		json_tokener_free(tok);
		goto out_free;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(c->root, json_type_object)) {
		r = sl_error_set(e, 0, "expected a JSON object");
		goto out_free;
	}
	if ((r = sl_json_strdup(c->root, "ociVersion", "", true,
				&c->oci_version, e)) ||
	    (r = parse_root(c->root, bundle, c, e)) ||
	    (r = sl_json_strdup(c->root, "hostname", "", false, &c->hostname,
				e)) ||
	    (r = sl_json_strdup(c->root, "domainname", "", false,
				&c->domainname, e)) ||
	    (r = sl_json_object(c->root, "process", "", false, &p, e)) ||
	    (p && (r = sl_process_parse(p, "process", &c->process, e))) ||
	    (r = sl_config_parse_mounts(c->root, c, e)) ||
	    (r = sl_config_parse_linux(c->root, c, e)) ||
	    (r = parse_hooks(c->root, c, e)) ||
	    (r = sl_json_object(c->root, "annotations", "", false,
				&c->annotations, e)))
		goto out_free;
	c->has_process = p != NULL;
	*out = c;
	return 0;
out_free:
	sl_config_free(c);
	return r;
}

/**
 * sl_config_load() - read and parse BUNDLE/config.json
 * @bundle:	absolute bundle directory
 * @out:	the config (written on success)
 * @e:		error, starting with "config.json: "
 *
 * Return: 0 or -errno
 */
int sl_config_load(const char *bundle, struct sl_config **out,
		   struct sl_error *e)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	ssize_t n;
	int r;

	if (asprintf(&path, "%s/config.json", bundle) < 0)
		return sl_error_set(e, ENOMEM, "config.json");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return sl_error_set(e, errno, "open `%s`", path);
	if (st.st_size > 16 << 20)
		return sl_error_set(e, EFBIG, "read `%s`", path);
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return sl_error_set(e, ENOMEM, "read `%s`", path);
	n = read(fd, text, (size_t)st.st_size);
	if (n < 0)
		return sl_error_set(e, errno, "read `%s`", path);
	text[n] = '\0';
	r = sl_config_parse(text, bundle, out, e);
	if (r)
		return sl_error_prefix(e, "config.json");
	return 0;
}

/**
 * free_hooks() - free the hooks of a config
 * @h:	hooks
 */
static void free_hooks(struct sl_hooks *h)
{
	for (int k = 0; k < SL_HOOK_NKINDS; k++) {
		for (size_t i = 0; i < h->n[k]; i++) {
			free(h->hooks[k][i].path);
			sl_json_strv_free(h->hooks[k][i].args);
			sl_json_strv_free(h->hooks[k][i].env);
		}
		free(h->hooks[k]);
	}
}

/**
 * sl_config_free() - free a config
 * @c:	config (may be NULL)
 */
void sl_config_free(struct sl_config *c)
{
	if (!c)
		return;
	free(c->oci_version);
	free(c->root_path);
	free(c->hostname);
	free(c->domainname);
	sl_process_free(&c->process);
	for (size_t i = 0; i < c->nmounts; i++) {
		free(c->mounts[i].destination);
		free(c->mounts[i].type);
		free(c->mounts[i].source);
		free(c->mounts[i].data);
	}
	free(c->mounts);
	for (size_t i = 0; i < c->nnamespaces; i++)
		free(c->namespaces[i].path);
	free(c->namespaces);
	free(c->uid_maps);
	free(c->gid_maps);
	for (size_t i = 0; i < c->ndevices; i++)
		free(c->devices[i].path);
	free(c->devices);
	sl_json_strv_free(c->masked_paths);
	sl_json_strv_free(c->readonly_paths);
	for (size_t i = 0; i < c->nsysctls; i++) {
		free(c->sysctls[i].key);
		free(c->sysctls[i].value);
	}
	free(c->sysctls);
	free(c->cgroups_path);
	free(c->mount_label);
	free_hooks(&c->hooks);
	json_object_put(c->root);
	free(c);
}

/**
 * sl_config_ns() - the namespace entry of @type
 * @c:		config
 * @type:	CLONE_NEW*
 *
 * Return: the entry, or NULL when the config does not list it
 */
const struct sl_namespace *sl_config_ns(const struct sl_config *c, int type)
{
	for (size_t i = 0; i < c->nnamespaces; i++)
		if (c->namespaces[i].type == type)
			return &c->namespaces[i];
	return NULL;
}

/**
 * sl_config_has_ns() - whether the config lists a namespace of @type
 * @c:		config
 * @type:	CLONE_NEW*
 *
 * Return: true if listed (created or joined)
 */
bool sl_config_has_ns(const struct sl_config *c, int type)
{
	return sl_config_ns(c, type) != NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-image.c - sublet image import|ls|rm|prune
 *
 * The image store of `sublet run` (see runtime/image/store.c for its layout).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "runtime/cli/cli.h"
#include "runtime/image/store.h"
#include "runtime/run/run.h"

static const char usage[] =
	"Usage: sublet image import [--name NAME] PATH\n"
	"       sublet image ls [--quiet]\n"
	"       sublet image rm NAME...\n"
	"       sublet image prune\n"
	"\n"
	"PATH is an OCI image layout directory, a docker-archive tar (as\n"
	"`docker save` and `podman save` write) or a root filesystem tar;\n"
	"layers may be plain, gzip or zstd.  The store is\n"
	"$XDG_DATA_HOME/sublet (default ~/.local/share/sublet).  prune\n"
	"removes the layers no image or container uses and whatever killed\n"
	"imports and removals left behind.\n";

/**
 * image_import() - sublet image import
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
static int image_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sl_import_opts o = { .progress = isatty(STDERR_FILENO) };
	struct sl_error e;
	char *name;
	int c;

	while ((c = getopt_long(argc, argv, "+hn:", opts, NULL)) != -1) {
		if (c == 'h')
			return fputs(usage, stdout), 0;
		if (c != 'n')
			return cli_usage("image import", "bad option (see "
							 "--help)");
		o.name = optarg;
	}
	if (optind != argc - 1)
		return cli_usage("image import", "expected one PATH");
	if (o.name && !sl_name_valid(o.name))
		return cli_usage("image import", "invalid name `%s`", o.name);
	o.path = argv[optind];
	if (sl_image_import(&o, &name, &e))
		return cli_fail_cmd("image import", &e);
	printf("%s\n", name);
	free(name);
	return 0;
}

/**
 * image_ls() - sublet image ls
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
static int image_ls(int argc, char **argv)
{
	struct sl_error e;
	char **names;
	size_t n;
	bool quiet = argc == 2 &&
		     (!strcmp(argv[1], "-q") || !strcmp(argv[1], "--quiet"));

	if (argc > 1 && !quiet)
		return cli_usage("image ls", "bad argument `%s`", argv[1]);
	if (sl_image_list(&names, &n, &e))
		return cli_fail(&e);
	if (!quiet)
		printf("%-32s %-12s %s\n", "NAME", "ID", "LAYERS");
	for (size_t i = 0; i < n; i++) {
		struct sl_image img;

		if (quiet) {
			printf("%s\n", names[i]);
		} else if (!sl_image_load(names[i], &img, &e)) {
			printf("%-32s %-12.12s %zu\n", img.name, img.id,
			       img.nlayers);
			sl_image_free(&img);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

/**
 * image_rm() - sublet image rm
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
static int image_rm(int argc, char **argv)
{
	struct sl_error e;
	char user[256];
	int status = 0;

	if (argc < 2)
		return cli_usage("image rm", "expected an image NAME");
	for (int i = 1; i < argc; i++) {
		struct sl_image img;

		if (sl_image_load(argv[i], &img, &e)) {
			status = cli_fail_cmd("image rm", &e);
			continue;
		}
		if (sl_run_image_user(img.name, user, sizeof(user))) {
			status = cli_usage("image rm",
					   "image `%s` is used by container "
					   "`%s`: remove it first (sublet rm "
					   "%s)",
					   img.name, user, user);
		} else if (sl_image_remove(img.name, &e)) {
			status = cli_fail_cmd("image rm", &e);
		} else {
			printf("%s\n", img.name);
		}
		sl_image_free(&img);
	}
	return status;
}

/**
 * image_prune() - sublet image prune
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
static int image_prune(int argc, char **argv)
{
	struct sl_idmaps m;
	struct sl_error e;
	int layers = 0, scratch = 0;

	if (argc > 1)
		return cli_usage("image prune", "takes no arguments");
	if (sl_idmaps_get(&m, &e) || sl_store_prune(&m, &layers, &scratch, &e))
		return cli_fail_cmd("image prune", &e);
	printf("removed %d unused layer%s, %d leftover%s\n", layers,
	       layers == 1 ? "" : "s", scratch, scratch == 1 ? "" : "s");
	return 0;
}

/**
 * cmd_image() - sublet image SUBCOMMAND
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_image(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (!strcmp(sub, "-h") || !strcmp(sub, "--help"))
		return fputs(usage, stdout), 0;
	optind = 0;
	if (!strcmp(sub, "import"))
		return image_import(argc - 1, argv + 1);
	if (!strcmp(sub, "ls") || !strcmp(sub, "list"))
		return image_ls(argc - 1, argv + 1);
	if (!strcmp(sub, "rm") || !strcmp(sub, "remove"))
		return image_rm(argc - 1, argv + 1);
	if (!strcmp(sub, "prune"))
		return image_prune(argc - 1, argv + 1);
	return cli_usage("image",
			 "expected import, ls, rm or prune (see --help)");
}

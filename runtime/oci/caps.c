// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * caps.c - the process's capabilities in all five sets (libcap)
 *
 * DOC: Theory of Operation
 * Called by the init (and by exec's child) as root of the container's
 * user namespace.  The bounding set is reduced first, while CAP_SETPCAP
 * is still held; then, after the uid change (done with PR_SET_KEEPCAPS so
 * the permitted set survives it), the effective, permitted and
 * inheritable sets are set with one cap_set_proc(), and the ambient set is
 * cleared and raised cap by cap (a raise needs the cap in both permitted
 * and inheritable; caps that lack either are skipped, as runc does, since
 * its own template lists ambient caps without inheritable ones).  A process without a
 * capabilities object keeps what it has.
 */
#include <errno.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "runtime/oci/linux.h"

/**
 * sl_caps_drop_bounding() - drop every cap not in the bounding set
 * @caps:	the process's capabilities
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_caps_drop_bounding(const struct sl_caps *caps, struct sl_error *e)
{
	if (!caps->present)
		return 0;
	for (cap_value_t c = 0; c <= CAP_LAST_CAP && c < 64; c++) {
		if (caps->set[SL_CAP_BOUNDING] & (1ULL << c))
			continue;
		if (!CAP_IS_SUPPORTED(c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return sl_error_set(e, errno,
					    "drop %s from bounding set",
					    cap_to_name(c));
	}
	return 0;
}

/**
 * sl_caps_apply() - set effective, permitted, inheritable and ambient
 * @caps:	the process's capabilities
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_caps_apply(const struct sl_caps *caps, struct sl_error *e)
{
	static const struct {
		int set;
		cap_flag_t flag;
	} sets[] = {
		{ SL_CAP_EFFECTIVE, CAP_EFFECTIVE },
		{ SL_CAP_PERMITTED, CAP_PERMITTED },
		{ SL_CAP_INHERITABLE, CAP_INHERITABLE },
	};
	cap_t c;
	int r = 0;

	if (!caps->present)
		return 0;
	c = cap_init();
	if (!c)
		return sl_error_set(e, errno, "cap_init");
	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++)
		for (cap_value_t v = 0; v <= CAP_LAST_CAP && v < 64; v++)
			if (caps->set[sets[s].set] & (1ULL << v))
				cap_set_flag(c, sets[s].flag, 1, &v, CAP_SET);
	if (cap_set_proc(c) < 0)
		r = sl_error_set(e, errno, "set capabilities");
	cap_free(c);
	if (r)
		return r;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return sl_error_set(e, errno, "clear ambient capabilities");
	for (cap_value_t v = 0; v <= CAP_LAST_CAP && v < 64; v++) {
		if (!(caps->set[SL_CAP_AMBIENT] & (1ULL << v)))
			continue;
		/* like runc: a cap missing from permitted or inheritable
		 * cannot be ambient; the kernel says EPERM, we go on */
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0 &&
		    errno != EPERM)
			return sl_error_set(e, errno,
					    "raise ambient capability %s",
					    cap_to_name(v));
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * overlay.h - the rootfs overlay that a config asks the init to mount
 */
#ifndef SUBLET_RUNTIME_OVERLAY_H
#define SUBLET_RUNTIME_OVERLAY_H

#include "runtime/oci/config.h"
#include "runtime/oci/error.h"

/* annotations that tell the init how to mount the rootfs overlay */
#define SL_ANN_DRIVER "org.sublet.overlay.driver"
#define SL_ANN_LOWER "org.sublet.overlay.lowerdir"
#define SL_ANN_UPPER "org.sublet.overlay.upperdir"
#define SL_ANN_WORK "org.sublet.overlay.workdir"
#define SL_ANN_PROGRAM "org.sublet.overlay.program"

int sl_overlay_mount(const struct sl_config *c, struct sl_error *e);

#endif /* SUBLET_RUNTIME_OVERLAY_H */

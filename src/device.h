/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /dev/tracer and its ioctls (device.c).
 */
#ifndef _TRACER_DEVICE_H
#define _TRACER_DEVICE_H

int tracer_device_init(void);
void tracer_device_exit(void);

#endif /* _TRACER_DEVICE_H */

/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * tracer: the user-space interface of /dev/tracer.
 *
 * The PID is passed by value as ioctl's third argument, not as a pointer:
 *	ioctl(fd, TRACER_ADD_PROCESS, pid);
 *
 * TRACER_ADD_PROCESS errors: EINVAL for pid <= 0 or for a thread that is not
 * its thread group's leader (tracer counts per process), ESRCH when no such
 * process exists (or it is exiting), EEXIST when it is already monitored,
 * ENOSPC when the table is full (module parameter max_processes), EPERM when
 * the caller may not trace it, ENOMEM when the first add cannot allocate the
 * address table that the probes it arms fill.
 * TRACER_REMOVE_PROCESS errors: EINVAL for pid <= 0, ENOENT when it is not
 * monitored, EPERM when the caller may not trace it.
 * Any other request: ENOTTY.
 */
#ifndef _UAPI_TRACER_H
#define _UAPI_TRACER_H

#ifdef __KERNEL__
#include <linux/ioctl.h>
#include <linux/types.h>
#else
#include <sys/ioctl.h>
#include <sys/types.h>
#endif

#define TRACER_DEV_MINOR 42
#define TRACER_DEV_NAME "tracer"

#define TRACER_ADD_PROCESS	_IOW(_IOC_WRITE, 42, pid_t)
#define TRACER_REMOVE_PROCESS	_IOW(_IOC_WRITE, 43, pid_t)

#endif /* _UAPI_TRACER_H */

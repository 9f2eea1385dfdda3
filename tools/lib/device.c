// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/tracer: TRACER_ADD_PROCESS and TRACER_REMOVE_PROCESS, and what
 * their errors mean, in words.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tracer_client.h"
#include "../../src/uapi/tracer.h"

const char *tracer_dev_path(void)
{
	const char *p = getenv("TRACER_DEV");

	return p && *p ? p : "/dev/tracer";
}

const char *tracer_open_error(int err)
{
	switch (err) {
	case EACCES:
	case EPERM:
		return "permission denied: /dev/tracer is root:tracer 0660, add yourself to group tracer";
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return "module not loaded: run modprobe tracer";
	default:
		return strerror(err);
	}
}

/* A file descriptor, or -1 with errno set (tracer_open_error() says it). */
int tracer_dev_open(void)
{
	return open(tracer_dev_path(), O_RDWR | O_CLOEXEC);
}

/* Adds (@add) or removes @pid: 0, or the errno (tracer_set_error()). */
int tracer_dev_set(int fd, int add, int pid)
{
	unsigned long req = add ? TRACER_ADD_PROCESS : TRACER_REMOVE_PROCESS;

	return ioctl(fd, req, (unsigned long)pid) ? errno : 0;
}

/* What an error of tracer_dev_set() on @pid means, in @buf. */
void tracer_set_error(int err, int pid, char *buf, size_t len)
{
	switch (err) {
	case ESRCH:
		snprintf(buf, len, "%d: no such process", pid);
		break;
	case EEXIST:
		snprintf(buf, len, "%d: already traced", pid);
		break;
	case ENOENT:
		snprintf(buf, len, "%d: not traced", pid);
		break;
	case EPERM:
		snprintf(buf, len, "not permitted to trace %d (not your process)", pid);
		break;
	case EINVAL:
		snprintf(buf, len, "%d: not a process ID (threads are counted under their process)",
			 pid);
		break;
	case ENOSPC:
		snprintf(buf, len, "%d: the table is full (module parameter max_processes)",
			 pid);
		break;
	case ENOTTY:
		snprintf(buf, len, "%s does not understand this request (module version mismatch?)",
			 tracer_dev_path());
		break;
	default:
		snprintf(buf, len, "%d: %s", pid, strerror(err));
	}
}

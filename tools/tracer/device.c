// SPDX-License-Identifier: GPL-2.0-only
/* /dev/tracer: TRACER_ADD_PROCESS and TRACER_REMOVE_PROCESS, in words. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tracer.h"
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

int tracer_dev_open(void)
{
	int fd = open(tracer_dev_path(), O_RDWR | O_CLOEXEC);

	if (fd < 0)
		errmsg("%s", tracer_open_error(errno));
	return fd;
}

int tracer_dev_ioctl(int fd, int add, int pid)
{
	unsigned long req = add ? TRACER_ADD_PROCESS : TRACER_REMOVE_PROCESS;
	int err;

	if (ioctl(fd, req, (unsigned long)pid) == 0)
		return 0;
	err = errno;
	switch (err) {
	case ESRCH:
		errmsg("%d: no such process", pid);
		break;
	case EEXIST:
		errmsg("%d: already traced", pid);
		break;
	case ENOENT:
		errmsg("%d: not traced", pid);
		break;
	case EPERM:
		errmsg("not permitted to trace %d (not your process)", pid);
		break;
	case EINVAL:
		errmsg("%d: not a process ID (threads are counted under their process)",
		       pid);
		break;
	case ENOSPC:
		errmsg("%d: the table is full (module parameter max_processes)",
		       pid);
		break;
	case ENOTTY:
		errmsg("%s does not understand this request (module version mismatch?)",
		       tracer_dev_path());
		break;
	default:
		errmsg("%d: %s", pid, strerror(err));
	}
	return -1;
}

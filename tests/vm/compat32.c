// SPDX-License-Identifier: GPL-2.0-only
/*
 * A 32-bit caller of /dev/tracer: compat32 add|remove PID.  Exits with 0 or
 * the errno of the ioctl.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../../src/uapi/tracer.h"

int main(int argc, char **argv)
{
	unsigned long req;
	pid_t pid;
	int fd;

	if (argc != 3)
		return 100;
	req = strcmp(argv[1], "add") ? TRACER_REMOVE_PROCESS
				     : TRACER_ADD_PROCESS;
	pid = atoi(argv[2]);
	fd = open("/dev/tracer", O_RDONLY);
	if (fd < 0)
		return errno;
	return ioctl(fd, req, pid) < 0 ? errno : 0;
}

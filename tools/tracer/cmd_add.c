// SPDX-License-Identifier: GPL-2.0-only
/* tracer add PID... and tracer remove PID... */
#include <string.h>
#include <unistd.h>

#include "tracer.h"

static int add_remove(int argc, char **argv, int add)
{
	const char *name = add ? "add" : "remove";
	int i, fd, failed = 0;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: tracer %s PID...\n\n%s\n", name, add ?
		       "Start monitoring each process PID (a process ID, not a thread ID;\n"
		       "its threads are counted under it).  Needs write access to /dev/tracer\n"
		       "(root or group tracer); others may only add their own processes." :
		       "Stop monitoring each process PID; its row leaves /proc/tracer.");
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--"))
		argc--, argv++;
	if (argc < 2) {
		errmsg("usage: tracer %s PID...", name);
		return 2;
	}
	fd = dev_open();
	if (fd < 0)
		return 1;
	for (i = 1; i < argc; i++) {
		int pid;

		if (parse_pid(argv[i], &pid)) {
			errmsg("%s: not a process ID", argv[i]);
			failed = 1;
			continue;
		}
		if (dev_set(fd, add, pid))
			failed = 1;
	}
	close(fd);
	return failed;
}

int cmd_add(int argc, char **argv)
{
	return add_remove(argc, argv, 1);
}

int cmd_remove(int argc, char **argv)
{
	return add_remove(argc, argv, 0);
}

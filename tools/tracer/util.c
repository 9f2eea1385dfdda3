// SPDX-License-Identifier: GPL-2.0-only
/*
 * Messages and arguments shared by the commands, and the client library
 * with its errors printed.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>

#include "tracer.h"

const char *progname = "tracer";

void errmsg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int parse_pid(const char *s, int *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < INT_MIN || v > INT_MAX)
		return -1;
	*pid = (int)v;
	return 0;
}

int read_table(struct tracer_table *t, int with_comm)
{
	char err[512];

	if (!tracer_read_table(t, with_comm, err, sizeof(err)))
		return 0;
	errmsg("%s", err);
	return -1;
}

int dev_open(void)
{
	int fd = tracer_dev_open();

	if (fd < 0)
		errmsg("%s", tracer_open_error(errno));
	return fd;
}

int dev_set(int fd, int add, int pid)
{
	char msg[256];
	int err = tracer_dev_set(fd, add, pid);

	if (!err)
		return 0;
	tracer_set_error(err, pid, msg, sizeof(msg));
	errmsg("%s", msg);
	return -1;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracer-probe: a tiny static client of /dev/tracer for the package tests
 * (tests/packages/run puts it in the VM image).
 *
 *   tracer-probe open   open /dev/tracer read-write; print "open ok" or
 *                       "open failed: <errno name>"; exit 0, or 2 for
 *                       EACCES, 1 otherwise
 *   tracer-probe add    add this process with TRACER_ADD_PROCESS, do some
 *                       file I/O, then print its own /proc/tracer row
 *                       (header and row) and check that its kmalloc or
 *                       sched count is non-zero; exit 0 when it is
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <unistd.h>

#ifdef HAVE_TRACER_UAPI
#include "tracer.h"	/* src/uapi/tracer.h */
#endif
#ifndef TRACER_ADD_PROCESS
#define TRACER_ADD_PROCESS _IOW(_IOC_WRITE, 42, pid_t)
#endif

static const char *errname(int e)
{
	switch (e) {
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ENXIO: return "ENXIO";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENOSPC: return "ENOSPC";
	case EEXIST: return "EEXIST";
	case ESRCH: return "ESRCH";
	default: return strerror(e);
	}
}

static int do_open(void)
{
	int fd = open("/dev/tracer", O_RDWR);

	if (fd < 0) {
		int e = errno;

		printf("open failed: %s\n", errname(e));
		return e == EACCES ? 2 : 1;
	}
	printf("open ok\n");
	close(fd);
	return 0;
}

static void work(void)
{
	char buf[4096];
	int i;

	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < 20; i++) {
		int fd = open("/tmp/tracer-probe.dat", O_CREAT | O_TRUNC | O_RDWR, 0600);

		if (fd < 0)
			continue;
		if (write(fd, buf, sizeof(buf)) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
		    read(fd, buf, sizeof(buf)) < 0)
			perror("io");
		fsync(fd);
		close(fd);
		usleep(1000);
	}
	unlink("/tmp/tracer-probe.dat");
}

static int do_add(void)
{
	char header[1024], line[1024], *names[32], *vals[32];
	int fd, nnames = 0, nvals = 0, i, found = 0, nonzero = 0;
	pid_t me = getpid();
	FILE *f;

	fd = open("/dev/tracer", O_RDWR);
	if (fd < 0) {
		printf("open failed: %s\n", errname(errno));
		return 1;
	}
	if (ioctl(fd, TRACER_ADD_PROCESS, me) < 0) {
		printf("ioctl TRACER_ADD_PROCESS(%d) failed: %s\n", (int)me, errname(errno));
		return 1;
	}
	work();
	f = fopen("/proc/tracer", "r");
	if (!f || !fgets(header, sizeof(header), f)) {
		printf("cannot read /proc/tracer: %s\n", errname(errno));
		return 1;
	}
	printf("%s", header);
	for (char *t = strtok(header, " \t\n"); t && nnames < 32; t = strtok(NULL, " \t\n"))
		names[nnames++] = t;
	while (fgets(line, sizeof(line), f)) {
		char copy[1024];

		strcpy(copy, line);
		nvals = 0;
		for (char *t = strtok(copy, " \t\n"); t && nvals < 32; t = strtok(NULL, " \t\n"))
			vals[nvals++] = t;
		if (nvals == 0 || atoi(vals[0]) != me)
			continue;
		found = 1;
		printf("%s", line);
		for (i = 1; i < nvals && i < nnames; i++)
			if ((!strcmp(names[i], "kmalloc") || !strcmp(names[i], "sched")) &&
			    strtoull(vals[i], NULL, 10) > 0)
				nonzero = 1;
		break;
	}
	fclose(f);
	close(fd);
	if (!found) {
		printf("no row for pid %d in /proc/tracer\n", (int)me);
		return 1;
	}
	if (!nonzero) {
		printf("kmalloc and sched counts of pid %d are zero\n", (int)me);
		return 1;
	}
	printf("pid %d: row found, kmalloc or sched count non-zero\n", (int)me);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 2 && !strcmp(argv[1], "open"))
		return do_open();
	if (argc == 2 && !strcmp(argv[1], "add"))
		return do_add();
	fprintf(stderr, "usage: tracer-probe open|add\n");
	return 64;
}

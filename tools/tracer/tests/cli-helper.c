// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli-helper: the programs the in-VM tests of the tracer command run.
 *
 *   cli-helper program PROGRAM PIDFILE
 *	runs PROGRAM of the test module (TRACER_TEST_RUN, in this process's
 *	own context), closes everything, writes its PID to PIDFILE and waits
 *	in pause() until a signal kills it.  See cli-tests for why.
 *   cli-helper as UID GID[,GID...] CMD [ARGS...]
 *	drops to UID, primary group the first GID, supplementary groups all
 *	of them, then runs CMD.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../../../harness/kmod/tracer_test.h"

static int program(const char *prog, const char *pidfile)
{
	struct tracer_test_run run;
	char buf[32];
	int fd, n;

	memset(&run, 0, sizeof(run));
	snprintf(run.program, sizeof(run.program), "%s", prog);
	fd = open("/proc/tracer_test", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, TRACER_TEST_RUN, &run)) {
		perror("cli-helper: TRACER_TEST_RUN");
		return 1;
	}
	close(fd);
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, buf, n) != n) {
		perror("cli-helper: pidfile");
		return 1;
	}
	close(fd);
	/* Wait here, in a syscall that takes no lock and allocates nothing. */
	for (;;)
		pause();
}

static int as(const char *uid, char *gids, char **cmd)
{
	gid_t groups[16];
	int n = 0;
	char *g;

	for (g = strtok(gids, ","); g && n < 16; g = strtok(NULL, ","))
		groups[n++] = (gid_t)atoi(g);
	if (!n || setgroups(n, groups) || setgid(groups[0]) ||
	    setuid((uid_t)atoi(uid))) {
		perror("cli-helper: as");
		return 1;
	}
	execvp(cmd[0], cmd);
	perror(cmd[0]);
	return 127;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "program"))
		return program(argv[2], argv[3]);
	if (argc >= 5 && !strcmp(argv[1], "as"))
		return as(argv[2], argv[3], argv + 4);
	fprintf(stderr, "usage: cli-helper program PROGRAM PIDFILE | as UID GIDS CMD...\n");
	return 2;
}

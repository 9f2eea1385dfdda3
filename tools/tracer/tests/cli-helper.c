// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli-helper: the programs the in-VM tests of the tracer command run.
 *
 *   cli-helper program PROGRAM PIDFILE
 *	runs PROGRAM of the test module (TRACER_TEST_RUN, in this process's
 *	own context), closes everything, writes its PID to PIDFILE and waits
 *	in pause() until a signal kills it.  See cli-tests for why.
 *   cli-helper threads N PROGRAM PIDFILE
 *	the same with threads: N threads run PROGRAM at once and end, then
 *	one more runs it while the main thread exits; that last thread
 *	writes "PID TID" to PIDFILE and waits in pause().
 *   cli-helper as UID GID[,GID...] CMD [ARGS...]
 *	drops to UID, primary group the first GID, supplementary groups all
 *	of them, then runs CMD.
 *   cli-helper tty EXPECT SEND [EXPECT SEND...]
 *	runs an interactive "sh -i" on a new pseudo-terminal, as a user at a
 *	terminal would: waits for each EXPECT in its output, then types SEND
 *	("\n" is Enter, "^Z" is Ctrl-Z).  Prints the whole session; fails,
 *	naming the step, if an EXPECT does not come within 300 s.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../../harness/kmod/tracer_test.h"

static int run_program(const char *prog)
{
	struct tracer_test_run run;
	int fd;

	memset(&run, 0, sizeof(run));
	snprintf(run.program, sizeof(run.program), "%s", prog);
	fd = open("/proc/tracer_test", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, TRACER_TEST_RUN, &run)) {
		perror("cli-helper: TRACER_TEST_RUN");
		return 1;
	}
	close(fd);
	return 0;
}

static int write_pidfile(const char *pidfile, const char *text)
{
	int fd, n = strlen(text);

	fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, n) != n) {
		perror("cli-helper: pidfile");
		return 1;
	}
	close(fd);
	return 0;
}

static int program(const char *prog, const char *pidfile)
{
	char buf[32];

	if (run_program(prog))
		return 1;
	snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write_pidfile(pidfile, buf))
		return 1;
	/* Wait here, in a syscall that takes no lock and allocates nothing. */
	for (;;)
		pause();
}

static const char *thread_prog, *thread_pidfile;

static void *worker(void *arg)
{
	return (void *)(long)run_program(thread_prog);
}

/* The last thread: runs the program, then waits as program() does. */
static void *last_worker(void *arg)
{
	char buf[64];

	if (run_program(thread_prog))
		exit(1);
	snprintf(buf, sizeof(buf), "%d %ld\n", (int)getpid(),
		 (long)syscall(SYS_gettid));
	if (write_pidfile(thread_pidfile, buf))
		exit(1);
	for (;;)
		pause();
}

static int threads(int n, const char *prog, const char *pidfile)
{
	pthread_t tid[64];
	void *ret;
	int i, bad = 0;

	if (n < 1 || n > 64)
		return 2;
	thread_prog = prog;
	thread_pidfile = pidfile;
	for (i = 0; i < n; i++)
		if (pthread_create(&tid[i], NULL, worker, NULL))
			return 1;
	for (i = 0; i < n; i++)
		if (pthread_join(tid[i], &ret) || ret)
			bad = 1;
	if (bad || pthread_create(&tid[0], NULL, last_worker, NULL))
		return 1;
	/* The main thread ends; the process lives on in the last one. */
	pthread_exit(NULL);
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

/* The session so far; EXPECTs are searched from the end of the last one. */
static char session[1 << 16];
static size_t session_len, matched;

static int tty_read(int master, int timeout_ms)
{
	struct pollfd p = { .fd = master, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	n = read(master, session + session_len,
		 sizeof(session) - 1 - session_len);
	if (n <= 0)
		return -1;
	session_len += n;
	session[session_len] = 0;
	return 1;
}

static void tty_type(int master, const char *send)
{
	char c;

	for (; *send; send++) {
		c = *send;
		if (send[0] == '\\' && send[1] == 'n')
			c = '\n', send++;
		else if (send[0] == '^' && send[1] == 'Z')
			c = 032, send++;
		if (write(master, &c, 1) != 1)
			return;
		/* Typed, not pasted: the shell reads Ctrl-Z on its own. */
		usleep(2000);
	}
}

static int tty(int argc, char **argv)
{
	char *shell[] = { "sh", "-i", NULL };
	int master, slave, step, st;
	time_t start;
	pid_t pid;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("cli-helper: pty");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		setsid();
		slave = open(ptsname(master), O_RDWR);
		if (slave < 0 || ioctl(slave, TIOCSCTTY, 0))
			_exit(126);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		setenv("PS1", "tty$ ", 1);
		execvp(shell[0], shell);
		_exit(127);
	}
	for (step = 0; step + 1 < argc; step += 2) {
		char *hit = NULL;

		start = time(NULL);
		while (!(hit = strstr(session + matched, argv[step])) &&
		       time(NULL) - start < 300)
			if (tty_read(master, 1000) < 0)
				break;
		if (!hit) {
			printf("%s\n---\ntty: step %d: no '%s' after %ld s\n",
			       session, step / 2 + 1, argv[step],
			       (long)(time(NULL) - start));
			kill(pid, SIGKILL);
			return 1;
		}
		matched = hit - session + strlen(argv[step]);
		tty_type(master, argv[step + 1]);
	}
	/* The last SEND ends the shell: keep its output until then. */
	start = time(NULL);
	while (tty_read(master, 1000) > 0 ||
	       (waitpid(pid, &st, WNOHANG) == 0 && time(NULL) - start < 300))
		;
	printf("%s\n", session);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "program"))
		return program(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "threads"))
		return threads(atoi(argv[2]), argv[3], argv[4]);
	if (argc >= 5 && !strcmp(argv[1], "as"))
		return as(argv[2], argv[3], argv + 4);
	if (argc >= 4 && !strcmp(argv[1], "tty") && argc % 2 == 0)
		return tty(argc - 2, argv + 2);
	fprintf(stderr, "usage: cli-helper program PROGRAM PIDFILE | threads N PROGRAM PIDFILE\n"
		"       | as UID GIDS CMD... | tty EXPECT SEND...\n");
	return 2;
}

// SPDX-License-Identifier: GPL-2.0-only
/* The ping-pong helper, and idle processes by the thousand. */
#include "bench.h"

#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t self_pid, helper_pid;
int ping_w = -1, pong_r = -1;

/* Echo every byte back until the pipe closes. */
void start_helper(void)
{
	int ping[2], pong[2];
	char c;

	if (pipe2(ping, O_CLOEXEC) || pipe2(pong, O_CLOEXEC))
		exit(1);
	helper_pid = fork();
	if (helper_pid == 0) {
		close(ping[1]);
		close(pong[0]);
		while (read(ping[0], &c, 1) == 1)
			if (write(pong[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(ping[0]);
	close(pong[1]);
	ping_w = ping[1];
	pong_r = pong[0];
}

static int idle_fn(void *arg)
{
	const struct idle_set *s = arg;
	char c;

	/* The write end stays with the parent alone: closing it wakes all. */
	syscall(SYS_close, s->wake_w);
	while (syscall(SYS_read, s->wake_r, &c, 1) > 0)
		;
	syscall(SYS_exit, 0);
	return 0;
}

/*
 * @nr processes that sleep in read() until released.  CLONE_VM shares this
 * process's memory, so 10,000 of them cost kernel memory (a task, a kernel
 * stack) and one touched page of stack each, not a copy of the address
 * space; without CLONE_THREAD each is its own process with its own PID.
 */
int idle_start(struct idle_set *s, unsigned int nr)
{
	int p[2];

	s->stack_size = 16384;
	s->stacks = mmap(NULL, s->stack_size * nr, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	s->pids = calloc(nr, sizeof(*s->pids));
	if (s->stacks == MAP_FAILED || !s->pids || pipe2(p, O_CLOEXEC))
		return -1;
	s->wake_r = p[0];
	s->wake_w = p[1];
	for (s->nr = 0; s->nr < nr; s->nr++) {
		char *top = s->stacks + (s->nr + 1) * s->stack_size;
		pid_t pid = clone(idle_fn, top, CLONE_VM | SIGCHLD, s);

		if (pid < 0)
			break;
		s->pids[s->nr] = pid;
	}
	close(p[0]);
	return s->nr == nr ? 0 : -1;
}

void idle_stop(struct idle_set *s)
{
	unsigned int i;

	close(s->wake_w);
	for (i = 0; i < s->nr; i++)
		waitpid(s->pids[i], NULL, __WALL);
	munmap(s->stacks, s->stack_size * s->nr);
	free(s->pids);
	memset(s, 0, sizeof(*s));
}

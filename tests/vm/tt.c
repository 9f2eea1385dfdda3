// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test module, tracer_test.ko: its workers and in-context runs, and
 * what a program of it must show in /proc/tracer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "suite.h"
#include "../../harness/kmod/tracer_test.h"

/*
 * Run @program in a new worker that is added, and compare its row with
 * what the program must give, plus the calls the kernel made in the
 * worker's context (trace.c).  Returns 0 or fails.
 */
int check_worker(const char *what, const char *program)
{
	struct counts want, got, extra;
	long waits;
	pid_t pid = tt_spawn(program);
	int err;

	if (pid <= 0 || tracer_add(pid) || kernel_calls_begin(pid, pid))
		return fail("%s: cannot add a worker", what);
	tt_go(pid);
	waits = tt_wait(pid);
	if (kernel_calls_end(&pid, 1, &extra) || waits < 0 ||
	    expect_program(program, &want)) {
		tt_stop(pid);
		return fail("%s: the worker did not finish", what);
	}
	kernel_calls_explain(0, 1, &want, &extra);
	want.v[C_SCHED] += waits;
	for (int c = 0; c < NR_COLS; c++)
		want.v[c] += extra.v[c];
	err = find_row(pid, &got) == 1 ? compare_counts(what, &got, &want, 0) :
					fail("%s: no row", what);
	tt_stop(pid);
	return err;
}

/* One command to /proc/tracer_test; the reply as a number, or -errno. */
static long tt_command(const char *fmt, ...)
{
	char cmd[TT_MAX_PROGRAM + 32], reply[64];
	int fd = open("/proc/tracer_test", O_RDWR | O_CLOEXEC);
	long ret = 0;
	va_list ap;
	ssize_t n;

	if (fd < 0)
		return -errno;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (write(fd, cmd, strlen(cmd)) < 0) {
		ret = -errno;
	} else {
		n = read(fd, reply, sizeof(reply) - 1);
		reply[n > 0 ? n : 0] = '\0';
		ret = n > 0 ? strtol(reply, NULL, 10) : 0;
	}
	close(fd);
	return ret;
}

pid_t tt_spawn(const char *program)
{
	return tt_command("spawn %s", program);
}

int tt_go(pid_t pid)
{
	return tt_command("go %d", pid);
}

long tt_wait(pid_t pid)
{
	long r = tt_command("wait %d", pid);

	return r < 0 ? -1 : r;
}

int tt_stop(pid_t pid)
{
	return tt_command("stop %d", pid);
}

int tt_open_run(void)
{
	return open("/proc/tracer_test", O_RDWR | O_CLOEXEC);
}

int tt_run(int fd, const char *program)
{
	struct tracer_test_run run;

	memset(&run, 0, sizeof(run));
	snprintf(run.program, sizeof(run.program), "%s", program);
	return ioctl(fd, TRACER_TEST_RUN, &run) < 0 ? errno : 0;
}

/* Mirrors tracer_test (tt_program.c): blocks are freed oldest first. */
int expect_program(const char *program, struct counts *c)
{
	static unsigned long long held[TT_MAX_BLOCKS];
	unsigned int head = 0, tail = 0;
	char buf[TT_MAX_PROGRAM], *save, *step;

	memset(c, 0, sizeof(*c));
	snprintf(buf, sizeof(buf), "%s", program);
	for (step = strtok_r(buf, ",", &save); step;
	     step = strtok_r(NULL, ",", &save)) {
		unsigned long long size = 0, bytes;
		unsigned int count = 0, i;
		char op[64];

		if (sscanf(step, "%63[a-z_]=%u:%llu", op, &count, &size) < 2)
			return fail("bad program step '%s'", step);
		if (!strcmp(op, "kfree")) {
			for (i = 0; i < count && head != tail; i++) {
				c->v[C_KFREE]++;
				c->v[C_KFREE_MEM] += held[head++ % TT_MAX_BLOCKS];
			}
			continue;
		}
		if (!strcmp(op, "kfree_null")) {
			c->v[C_KFREE] += count;
		} else if (!strcmp(op, "sched")) {
			c->v[C_SCHED] += count;
		} else if (!strcmp(op, "updown")) {
			c->v[C_UP] += count;
			c->v[C_DOWN] += count;
		} else if (!strcmp(op, "lock") || !strcmp(op, "contend")) {
			c->v[C_LOCK] += count;
			c->v[C_UNLOCK] += count;
		} else {
			if (!strcmp(op, "kmalloc_array"))
				bytes = 2 * size;
			else if (!strcmp(op, "kmalloc_zero"))
				bytes = 0;
			else if (!strcmp(op, "kmalloc_const"))
				bytes = TT_CONST_SIZE;
			else if (!strcmp(op, "kmalloc_node_const"))
				bytes = TT_NODE_CONST_SIZE;
			else if (!strcmp(op, "kmalloc_large_const"))
				bytes = TT_LARGE_CONST_SIZE;
			else if (!strcmp(op, "kmalloc_large_node_const"))
				bytes = TT_LARGE_NODE_CONST_SIZE;
			else if (!strcmp(op, "kmalloc") ||
				 !strcmp(op, "kzalloc") ||
				 !strcmp(op, "kmalloc_node") ||
				 !strcmp(op, "kmalloc_large") ||
				 !strcmp(op, "kvmalloc"))
				bytes = size;
			else
				return fail("unknown op '%s'", op);
			for (i = 0; i < count; i++) {
				c->v[C_KMALLOC]++;
				c->v[C_KMALLOC_MEM] += bytes;
				held[tail++ % TT_MAX_BLOCKS] = bytes;
			}
		}
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/* Helpers for the in-VM suite: the device, /proc/tracer, the test module. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "suite.h"
#include "../../src/uapi/tracer.h"
#include "../../harness/kmod/tracer_test.h"

const char *const col_names[NR_COLS] = {
#define TRACER_COUNTER(id, name, bytes) name,
#include "../../src/uapi/tracer_counters.h"
#undef TRACER_COUNTER
};

char fail_reason[1024];

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fail_reason, sizeof(fail_reason), fmt, ap);
	va_end(ap);
	return -1;
}

int skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fail_reason, sizeof(fail_reason), fmt, ap);
	va_end(ap);
	return 1;
}

void note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int tracer_ioctl_raw(unsigned long req, unsigned long arg)
{
	int fd = open("/dev/tracer", O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (ioctl(fd, req, arg) < 0)
		err = errno;
	close(fd);
	return err;
}

int tracer_add(pid_t pid)
{
	return tracer_ioctl_raw(TRACER_ADD_PROCESS, pid);
}

int tracer_remove(pid_t pid)
{
	return tracer_ioctl_raw(TRACER_REMOVE_PROCESS, pid);
}

/* The way the interface says readers read: one fgets, then integers. */
int read_rows(struct row *rows, int max)
{
	FILE *f = fopen("/proc/tracer", "re");
	char header[512];
	int n = 0, i;

	if (!f)
		return -1;
	if (!fgets(header, sizeof(header), f)) {
		fclose(f);
		return -1;
	}
	while (n < max) {
		struct row *r = &rows[n];
		unsigned long long *v = r->c.v;

		if (fscanf(f, "%d", &r->pid) != 1)
			break;
		for (i = 0; i < NR_COLS; i++)
			if (fscanf(f, "%llu", &v[i]) != 1)
				break;
		if (i < NR_COLS)
			break;
		n++;
	}
	fclose(f);
	return n;
}

int find_row(pid_t pid, struct counts *c)
{
	static struct row rows[40000];
	int i, n = read_rows(rows, 40000);

	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (rows[i].pid == pid) {
			if (c)
				*c = rows[i].c;
			return 1;
		}
	}
	return 0;
}

int wait_row_gone(pid_t pid, int ms)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (; ms > 0; ms -= 10) {
		if (find_row(pid, NULL) == 0)
			return 0;
		nanosleep(&ts, NULL);
	}
	return find_row(pid, NULL) == 0 ? 0 : -1;
}

int compare_counts(const char *what, const struct counts *got,
		   const struct counts *want, unsigned int skip_mask)
{
	int i;

	for (i = 0; i < NR_COLS; i++) {
		if (skip_mask & (1u << i))
			continue;
		if (got->v[i] != want->v[i])
			return fail("%s: %s is %llu, expected %llu", what,
				    col_names[i], got->v[i], want->v[i]);
	}
	return 0;
}

long read_long_file(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int write_file(const char *path, const char *text)
{
	return write_file_flags(path, text, 0);
}

int write_file_flags(const char *path, const char *text, int flags)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | flags), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, text, strlen(text)) < 0)
		err = errno;
	close(fd);
	return err;
}

/*
 * A child process that shares our memory (CLONE_VM without CLONE_THREAD:
 * its own PID and thread group, so tracer sees a process like any other).
 * No page tables are copied, which is what makes thousands of short-lived
 * processes affordable on the KASAN/lockdep lane, where a fork() costs tens
 * of milliseconds under emulation.  @fn must only make system calls (it
 * shares errno and the heap with us), and @stack must stay untouched until
 * the child has been reaped.
 */
pid_t light_child(int (*fn)(void *), void *arg, void *stack, size_t size)
{
	return clone(fn, (char *)stack + size, CLONE_VM | SIGCHLD, arg);
}

/*
 * A child that sleeps until its pipe's write end (*@fd_w) closes, as @uid
 * (user and group) with the dumpable flag @dumpable; uid -1 keeps ours.
 */
pid_t sleeper_as(uid_t uid, int dumpable, int *fd_w)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		if (uid != (uid_t)-1 &&
		    (setgid(uid) || setuid(uid) ||
		     prctl(PR_SET_DUMPABLE, dumpable)))
			_exit(1);
		while (read(p[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	*fd_w = p[1];
	return pid;
}

pid_t sleeper(int *fd_w)
{
	return sleeper_as((uid_t)-1, 1, fd_w);
}

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

/* Mirrors tracer_test.c: blocks are freed oldest first. */
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

/* insmod /lib/tracer.ko with @params: 0 or the errno. */
int tracer_load(const char *params)
{
	int fd = open("/lib/tracer.ko", O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return errno;
	err = syscall(SYS_finit_module, fd, params, 0) ? errno : 0;
	close(fd);
	return err;
}

/* rmmod tracer: 0 or the errno (EBUSY while /dev/tracer is open). */
int tracer_unload(void)
{
	return syscall(SYS_delete_module, "tracer", O_NONBLOCK) ? errno : 0;
}

/* A thread that reads all of /proc/tracer until r->stop is set. */
void *proc_reader(void *arg)
{
	struct proc_reader *r = arg;
	struct row *rows = calloc(4096, sizeof(*rows));

	while (rows && !*r->stop) {
		if (read_rows(rows, 4096) < 0)
			r->bad++;
		r->reads++;
	}
	free(rows);
	return NULL;
}

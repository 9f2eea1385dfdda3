// SPDX-License-Identifier: GPL-2.0-only
/* Helpers for the in-VM suite: reports, the device, /proc/tracer, files. */
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suite.h"
#include "../../src/uapi/tracer.h"

const char *const col_names[NR_COLS] = {
#define TRACER_COUNTER(id, name, function, bytes, help) name,
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

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
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

/* Wake a sleeper() and reap it. */
void end_sleeper(pid_t pid, int fd_w)
{
	close(fd_w);
	waitpid(pid, NULL, 0);
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

/* What of tracer is still there after an rmmod or a failed load. */
int tracer_leftovers(void)
{
	static const char *const paths[] = {
		"/proc/tracer", "/dev/tracer", SYSDIR, "/sys/module/tracer",
	};
	unsigned int i;
	int n = 0;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		n += !access(paths[i], F_OK);
	return n;
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

int set_disarm_delay(int ms)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", ms);
	return write_file(DISARM_DELAY_PARAM, buf);
}

int wait_armed(int want, int ms)
{
	for (; ms > 0; ms -= 20) {
		if (read_long_file(SYSDIR "armed") == want)
			return 0;
		usleep(20000);
	}
	return read_long_file(SYSDIR "armed") == want ? 0 : -1;
}

/* A line is "ADDR  r  SYMBOL+0x0  [DISABLED][FTRACE]" or similar. */
int probes_listed(int *enabled)
{
	char line[512];
	FILE *f = fopen(KPROBES, "r");
	int n = 0;

	*enabled = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, " r "))
			continue;
		n++;
		if (!strstr(line, "[DISABLED]"))
			(*enabled)++;
	}
	fclose(f);
	return n;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The independent oracle: the kernel's own tracing counts the same events
 * for the same process over the same window, and /proc/tracer must agree
 * exactly.  kmem:kmalloc and kmem:kfree give the allocations and frees
 * (kfree's tracepoint fires before its NULL check, as tracer counts), and
 * ftrace kprobe events count schedule, up, down_interruptible and the mutex
 * functions.  set_event_pid with event-fork limits the trace to the
 * workload's threads; events in hardirq, softirq or NMI context (flag
 * column) are not the process's, as in tracer.
 *
 * One kernel quirk is corrected for, not tolerated: on 6.10+ a runtime-size
 * kmalloc() above KMALLOC_MAX_CACHE_SIZE fires kmem:kmalloc twice, once in
 * __kmalloc_large_node_noprof() and once in its caller.  The inner event is
 * recognised by its call_site, inside a kmalloc entry point.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suite.h"

#define tfs_set(f, t) tfs_write(f, t, O_TRUNC)
#define tfs_add(f, t) tfs_write(f, t, O_APPEND)

/* ---- the workload: files, /proc reads, pipes between threads ---- */

static int ping[2], pong[2];

static void *pinger(void *arg)
{
	char c = 'x';
	int i;

	for (i = 0; i < 200; i++) {
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			break;
	}
	return NULL;
}

static void *ponger(void *arg)
{
	char c;
	int i;

	for (i = 0; i < 200; i++) {
		if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
			break;
	}
	return NULL;
}

static void *filer(void *arg)
{
	char buf[4096], path[64];
	int i, fd;

	memset(buf, 'a', sizeof(buf));
	for (i = 0; i < 50; i++) {
		snprintf(path, sizeof(path), "/tmp/oracle.%d", i % 5);
		fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
		if (fd < 0)
			continue;
		if (write(fd, buf, sizeof(buf)) > 0) {
			lseek(fd, 0, SEEK_SET);
			if (read(fd, buf, sizeof(buf)) < 0)
				break;
		}
		close(fd);
		unlink(path);
		fd = open("/proc/self/stat", O_RDONLY);
		if (fd >= 0) {
			if (read(fd, buf, sizeof(buf)) < 0)
				break;
			close(fd);
		}
	}
	return NULL;
}

static void workload(void)
{
	pthread_t t[3];
	struct dirent *d;
	DIR *dir;
	int i;

	if (pipe(ping) || pipe(pong))
		return;
	pthread_create(&t[0], NULL, pinger, NULL);
	pthread_create(&t[1], NULL, ponger, NULL);
	pthread_create(&t[2], NULL, filer, NULL);
	for (i = 0; i < 5; i++) {
		dir = opendir("/proc");
		while (dir && (d = readdir(dir)))
			;
		if (dir)
			closedir(dir);
	}
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
}

/* ---- reading the trace ---- */

struct oracle_stats {
	unsigned long lines, irq_events, nested_kmalloc;
};

static int count_trace(struct counts *c, struct oracle_stats *st)
{
	static const char *const names[] = {
		"oracle_sched:", "oracle_up:", "oracle_down:", "oracle_lock:",
		"oracle_unlock:",
	};
	static const int cols[] = { C_SCHED, C_UP, C_DOWN, C_LOCK, C_UNLOCK };
	FILE *f = fopen(TRACEFS "trace", "re");
	static char line[4096];
	struct trace_event ev;

	memset(c, 0, sizeof(*c));
	size_map_clear();
	trace_parse_reset();
	if (!f)
		return fail("cannot open the trace");
	while (fgets(line, sizeof(line), f)) {
		if (parse_trace_line(line, &ev))
			continue;
		st->lines++;
		st->irq_events += !ev.task_ctx;
		st->nested_kmalloc += ev.nested;
		charge_event(&ev, c);
		for (int i = 0; ev.task_ctx && i < 5; i++)
			if (!strcmp(ev.name, names[i]))
				c->v[cols[i]]++;
	}
	fclose(f);
	return 0;
}

static int setup_trace(pid_t pid)
{
	char buf[32];
	int err;

	tfs_set("tracing_on", "0");
	tfs_set("events/enable", "0");
	tfs_set("trace", "");
	tfs_set("kprobe_events", "");
	err = tfs_add("kprobe_events", "p:oracle/oracle_sched schedule") ?:
	      tfs_add("kprobe_events", "p:oracle/oracle_up up") ?:
	      tfs_add("kprobe_events",
		      "p:oracle/oracle_down down_interruptible") ?:
	      tfs_add("kprobe_events", "p:oracle/oracle_unlock mutex_unlock");
	if (err)
		return fail("kprobe events: %s", strerror(err));
	/* Lockdep kernels have mutex_lock_nested() instead. */
	if (tfs_add("kprobe_events", "p:oracle/oracle_lock mutex_lock") &&
	    tfs_add("kprobe_events", "p:oracle/oracle_lock mutex_lock_nested"))
		return fail("no mutex_lock to put a kprobe event on");
	tfs_set("buffer_size_kb", "16384");
	tfs_set("options/event-fork", "1");
	tfs_set("options/hash-ptr", "0");
	snprintf(buf, sizeof(buf), "%d", pid);
	err = tfs_set("set_event_pid", buf) ?:
	      kmem_events_set("enable", "1") ?:
	      tfs_set("events/oracle/enable", "1");
	return err ? fail("enabling events: %s", strerror(err)) : 0;
}

static void teardown_trace(void)
{
	tfs_set("tracing_on", "0");
	tfs_set("events/enable", "0");
	tfs_set("set_event_pid", "");
	tfs_set("kprobe_events", "");
	tfs_set("trace", "");
	tfs_set("buffer_size_kb", "1408");
	tfs_set("tracing_on", "1");
}

static int test_oracle(void)
{
	int go[2], done[2], status, err;
	struct counts got, want;
	struct oracle_stats st = { 0 };
	char c;
	pid_t child;

	if (access(TRACEFS "events/kmem/kmalloc", F_OK))
		return fail("no tracefs with kmem events");
	if (pipe(go) || pipe(done))
		return fail("pipe");
	child = fork();
	if (child == 0) {
		close(go[1]);
		close(done[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		workload();
		if (write(done[1], "d", 1) != 1)
			_exit(1);
		while (read(go[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(go[0]);
	close(done[1]);
	usleep(100000);		/* let it block in read() */

	err = tracer_add(child);
	if (err)
		return fail("add: %s", strerror(err));
	if (setup_trace(child) || tfs_set("tracing_on", "1")) {
		teardown_trace();
		return -1;
	}
	if (write(go[1], "g", 1) != 1 || read(done[0], &c, 1) != 1) {
		teardown_trace();
		return fail("workload did not run");
	}
	usleep(200000);		/* let it block in read() again */
	tfs_set("tracing_on", "0");
	err = find_row(child, &got) != 1;
	close(go[1]);
	waitpid(child, &status, 0);
	if (err) {
		teardown_trace();
		return fail("no row for the workload");
	}
	err = count_trace(&want, &st);
	if (!err && trace_overruns())
		err = fail("the trace buffer overran: %ld events lost",
			   trace_overruns());
	teardown_trace();
	if (err)
		return err;

	note("oracle: %lu trace events, %lu in interrupt context, %lu nested kmalloc events",
	     st.lines, st.irq_events, st.nested_kmalloc);
	for (int i = 0; i < NR_COLS; i++)
		note("oracle %-12s tracer %10llu  kernel tracing %10llu",
		     col_names[i], got.v[i], want.v[i]);
	if (!want.v[C_KMALLOC] || !want.v[C_SCHED] || !want.v[C_LOCK])
		return fail("the workload made no kmalloc, schedule or lock");
	return compare_counts("tracer vs kernel tracing", &got, &want, 0);
}

const struct test oracle_tests[] = {
	{ "oracle: equal to kmem tracepoints and kprobe events", test_oracle },
	{ NULL, NULL }
};

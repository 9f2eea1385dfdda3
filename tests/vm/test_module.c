// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exact counts from kernel threads of the test module: each runs a known
 * program, and the suite computes what tracer must show for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "suite.h"

#define MAX_WORKERS 64

/*
 * Run @n programs in as many kernel threads at once and compare every row.
 * Columns in @skip_mask are checked as lower bounds only (for programs that
 * sleep on a contended mutex, whose schedule() calls are not known).  The
 * few kmalloc()/kfree() calls the kernel itself makes in a worker's context
 * are added to what its program makes, as the kmem tracepoints name them
 * (trace.c, kernel_calls_end()).
 */
static int run_workers(char programs[][160], int n, unsigned int skip_mask)
{
	pid_t pids[MAX_WORKERS], lo = 0, hi = 0;
	long waits[MAX_WORKERS];
	struct counts want, got, extra[MAX_WORKERS];
	char what[64];
	int i, err = 0;

	for (i = 0; i < n; i++) {
		pids[i] = tt_spawn(programs[i]);
		if (pids[i] <= 0)
			return fail("spawn '%s': %s", programs[i],
				    strerror(-pids[i]));
		err = tracer_add(pids[i]);
		if (err)
			return fail("add worker %d: %s", pids[i],
				    strerror(err));
	}
	for (i = 0; i < n; i++) {
		lo = i && lo < pids[i] ? lo : pids[i];
		hi = hi > pids[i] ? hi : pids[i];
	}
	if (kernel_calls_begin(lo, hi))
		return -1;
	for (i = 0; i < n; i++)
		tt_go(pids[i]);
	for (i = 0; i < n; i++)
		waits[i] = tt_wait(pids[i]);
	if (kernel_calls_end(pids, n, extra))
		return -1;
	for (i = 0; i < n && !err; i++) {

		snprintf(what, sizeof(what), "worker %d '%.32s'", pids[i],
			 programs[i]);
		if (waits[i] < 0) {
			err = fail("%s did not finish", what);
			break;
		}
		if (expect_program(programs[i], &want)) {
			err = -1;
			break;
		}
		kernel_calls_explain(i, 1, &want, &extra[i]);
		want.v[C_SCHED] += waits[i];
		for (int c = 0; c < NR_COLS; c++)
			want.v[c] += extra[i].v[c];
		if (find_row(pids[i], &got) != 1) {
			err = fail("%s has no row", what);
			break;
		}
		err = compare_counts(what, &got, &want, skip_mask);
		for (int c = 0; !err && c < NR_COLS; c++)
			if ((skip_mask & (1u << c)) && got.v[c] < want.v[c])
				err = fail("%s: %s is %llu, below %llu", what,
					   col_names[c], got.v[c], want.v[c]);
	}
	for (i = 0; i < n; i++)
		tt_stop(pids[i]);
	for (i = 0; i < n && !err; i++)
		if (wait_row_gone(pids[i], 3000))
			err = fail("row of exited worker %d stays", pids[i]);
	return err;
}

static const char *const single_programs[] = {
	"kmalloc=10:100,kfree=4",
	"kmalloc_const=7,kfree=7",
	"kmalloc_zero=5,kfree=5",
	"kmalloc_large=3:20000,kfree=2",
	"kmalloc_large_const=2,kfree=1",
	"kmalloc_large_node_const=2,kfree=2",
	"kmalloc_node=6:300,kfree=3",
	"kmalloc_node_const=4,kfree=4",
	"kzalloc=5:1000,kfree=5",
	"kmalloc_array=3:50,kfree=3",
	"kvmalloc=6:300,kvmalloc=3:20000,kfree=9",
	"kfree_null=9",
	"sched=25",
	"updown=13",
	"lock=17",
};

static int test_one_thread_per_operation(void)
{
	char prog[1][160];
	unsigned int i;

	for (i = 0; i < sizeof(single_programs) / sizeof(*single_programs);
	     i++) {
		snprintf(prog[0], sizeof(prog[0]), "%s", single_programs[i]);
		if (run_workers(prog, 1, 0))
			return -1;
	}
	return 0;
}

static int test_16_threads_distinct(void)
{
	char progs[16][160];
	int i;

	for (i = 0; i < 16; i++)
		snprintf(progs[i], sizeof(progs[i]),
			 "kmalloc=%d:%d,kmalloc_const=%d,kfree=%d,kfree_null=%d,sched=%d,updown=%d,lock=%d",
			 i + 1, 8 * (i + 1), i % 3, i, i % 2, i, 2 * i,
			 3 * i + 1);
	return run_workers(progs, 16, 0);
}

static int test_32_threads_sizes(void)
{
	char progs[32][160];
	int i;

	for (i = 0; i < 32; i++)
		snprintf(progs[i], sizeof(progs[i]),
			 "kmalloc=20:%d,kmalloc_node=5:%d,kmalloc_large=1:%d,kfree=%d",
			 32 + 16 * i, 7 + 3 * i, 9000 + 100 * i, 26 - i % 5);
	return run_workers(progs, 32, 0);
}

static int test_stress_32x620(void)
{
	char progs[32][160];
	int i;

	for (i = 0; i < 32; i++)
		snprintf(progs[i], sizeof(progs[i]),
			 "kmalloc=150:%d,kfree=150,lock=150,updown=100,sched=50,kfree_null=20",
			 64 + i);
	return run_workers(progs, 32, 0);
}

/* 40 threads that sleep inside mutex_lock(): nothing may be missed. */
static int test_40_sleepers_in_mutex_lock(void)
{
	char progs[40][160];
	long missed_before = read_long_file("/sys/class/misc/tracer/missed");
	int i;

	for (i = 0; i < 40; i++)
		snprintf(progs[i], sizeof(progs[i]), "contend=%d,kmalloc=%d:24",
			 10 + i % 4, 1 + i);
	if (run_workers(progs, 40, 1u << C_SCHED))
		return -1;
	if (read_long_file("/sys/class/misc/tracer/missed") != missed_before)
		return fail("missed events went from %ld to %ld", missed_before,
			    read_long_file("/sys/class/misc/tracer/missed"));
	return 0;
}

/* Removal drops the row at once, and later events are not counted. */
static int test_remove_stops_counting(void)
{
	pid_t pid = tt_spawn("kmalloc=5:10,lock=3");
	int err;

	if (pid <= 0)
		return fail("spawn: %s", strerror(-pid));
	err = tracer_add(pid);
	if (!err)
		err = tracer_remove(pid);
	if (err)
		return fail("add/remove: %s", strerror(err));
	if (find_row(pid, NULL) != 0)
		return fail("row still there after remove returned");
	tt_go(pid);
	tt_wait(pid);
	err = find_row(pid, NULL);
	tt_stop(pid);
	return err ? fail("a removed worker's row came back") : 0;
}

/*
 * The handlers, and what they call, are NOKPROBE_SYMBOL: tracefs refuses a
 * kprobe event on them (EINVAL), and takes one on another function of the
 * module, which shows that the refusal is the blacklist's.
 */
static int test_handlers_refuse_kprobes(void)
{
	static const char *const handlers[] = {
		"tracer_kfree_entry", "tracer_kmalloc_return",
		"tracer_addr_insert",
	};
	char def[128];
	unsigned int i;
	int err;

	err = tfs_write("kprobe_events",
			"p:tracer_suite/control tracer:tracer_proc_remove\n",
			O_APPEND);
	if (err)
		return fail("kprobe event on tracer_proc_remove refused: %s",
			    strerror(err));
	tfs_write("kprobe_events", "-:tracer_suite/control\n", O_APPEND);
	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		snprintf(def, sizeof(def), "p:tracer_suite/h%u tracer:%s\n", i,
			 handlers[i]);
		err = tfs_write("kprobe_events", def, O_APPEND);
		if (!err) {
			snprintf(def, sizeof(def), "-:tracer_suite/h%u\n", i);
			tfs_write("kprobe_events", def, O_APPEND);
			return fail("kprobe event on %s accepted", handlers[i]);
		}
		if (err != EINVAL)
			return fail("kprobe event on %s: %s, want EINVAL",
				    handlers[i], strerror(err));
	}
	return 0;
}

const struct test module_tests[] = {
	{ "one kernel thread per operation, exact", test_one_thread_per_operation },
	{ "16 kernel threads with distinct counts", test_16_threads_distinct },
	{ "32 kernel threads, distinct sizes", test_32_threads_sizes },
	{ "stress: 32 threads x 620 operations", test_stress_32x620 },
	{ "40 threads asleep in mutex_lock, none missed", test_40_sleepers_in_mutex_lock },
	{ "remove: row gone at once, no more counting", test_remove_stops_counting },
	{ "handlers refuse kprobes (NOKPROBE_SYMBOL)", test_handlers_refuse_kprobes },
	{ NULL, NULL }
};

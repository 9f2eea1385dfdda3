/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-VM test suite of tracer: shared helpers.  Expected counts are
 * always computed from what a test asked for, never copied from a run.
 */
#ifndef SUITE_H
#define SUITE_H

#include <stdarg.h>
#include <stdbool.h>
#include <sys/types.h>

/* The columns of /proc/tracer after the PID: src/uapi/tracer_counters.h. */
enum {
#define TRACER_COUNTER(id, name, function, bytes, help) C_##id,
#include "../../src/uapi/tracer_counters.h"
#undef TRACER_COUNTER
	NR_COLS
};
extern const char *const col_names[NR_COLS];

struct counts {
	unsigned long long v[NR_COLS];
};

struct row {
	pid_t pid;
	struct counts c;
};

/* Test bookkeeping: a test returns 0 or fails with fail(...) (returns -1). */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A test that cannot prove anything on this kernel: returns 1. */
int skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The step now running, for the guest's watchdog to name if it stalls. */
void note_step(const char *name);
extern char fail_reason[1024];

/* /dev/tracer: returns 0 or the errno of the ioctl. */
int tracer_add(pid_t pid);
int tracer_remove(pid_t pid);
int tracer_ioctl_raw(unsigned long req, unsigned long arg);
int tracer_load(const char *params);
int tracer_unload(void);
/* How many of tracer's files are there: 0 after an rmmod or a failed load. */
int tracer_leftovers(void);

/* Readers of /proc/tracer beside a test: pthread_create(..., proc_reader, r). */
struct proc_reader {
	volatile int *stop;
	long reads, bad;
};
void *proc_reader(void *arg);

/* /proc/tracer: all rows; returns the number read, or -1. */
int read_rows(struct row *rows, int max);
/* The row of @pid: 1 found, 0 not found, -1 error. */
int find_row(pid_t pid, struct counts *c);
/* Wait up to @ms for @pid's row to be gone; 0 when gone. */
int wait_row_gone(pid_t pid, int ms);
int compare_counts(const char *what, const struct counts *got,
		   const struct counts *want, unsigned int skip_mask);
long read_long_file(const char *path);
double now(void);			/* CLOCK_MONOTONIC, in seconds */

/* The module's health and table attributes (src/uapi/tracer_stats.h). */
#define SYSDIR "/sys/class/misc/tracer/"
int write_file(const char *path, const char *text);
int write_file_flags(const char *path, const char *text, int flags);
pid_t sleeper(int *fd_w);
void end_sleeper(pid_t pid, int fd_w);
pid_t sleeper_as(uid_t uid, int dumpable, int *fd_w);
pid_t light_child(int (*fn)(void *), void *arg, void *stack, size_t size);
int check_worker(const char *what, const char *program);

/* Arming (src/arming.c): the probes are enabled while a process is monitored. */
#define DISARM_DELAY_PARAM "/sys/module/tracer/parameters/disarm_delay_ms"
#define KPROBES "/sys/kernel/debug/kprobes/list"
/* A generous bound: a busy host slows the guest, it does not stall it. */
#define DISARM_WAIT_MS 60000
int set_disarm_delay(int ms);
/* Wait up to @ms until armed reads @want; 0 when it does. */
int wait_armed(int want, int ms);
/* tracer's kretprobes in the kprobe core's list; *enabled: not disabled. */
int probes_listed(int *enabled);

/* The test module: kernel-thread workers and in-context runs. */
pid_t tt_spawn(const char *program);
int tt_go(pid_t pid);
long tt_wait(pid_t pid);	/* schedule() calls while waiting, or -1 */
int tt_stop(pid_t pid);
int tt_open_run(void);		/* an fd for tt_run */
int tt_run(int fd, const char *program);

/* What a program does, as tracer should count it (sched without waits). */
int expect_program(const char *program, struct counts *c);

/* trace.c: the kernel's own tracing. */
#define TRACEFS "/sys/kernel/tracing/"
struct trace_event {
	pid_t pid;
	int task_ctx;		/* not in hardirq, softirq or NMI */
	int nested;		/* kmalloc event fired inside a kmalloc entry */
	char name[64];
	char call_site[128];
	unsigned long long ptr, bytes;
};
int tfs_write(const char *file, const char *text, int flags);
int kmem_events_set(const char *file, const char *text);
void trace_parse_reset(void);
int parse_trace_line(const char *line, struct trace_event *ev);
void size_map_clear(void);
void charge_event(const struct trace_event *ev, struct counts *c);
long trace_overruns(void);
int kernel_calls_begin(pid_t lo, pid_t hi);
int kernel_calls_end(const pid_t *pids, int n, struct counts *extra);
void kernel_calls_explain(int first, int n, const struct counts *program,
			  struct counts *extra);

/* @count scaled by the lane's tracer.scale (percent), at least 1. */
int scaled(int count);

/* Groups of tests. */
struct test {
	const char *name;
	int (*fn)(void);
};
extern const struct test module_tests[], process_tests[], oracle_tests[],
	lifecycle_tests[], security_tests[], stress_tests[], arming_tests[],
	interface_tests[], fault_tests[], experiment_tests[];

#endif

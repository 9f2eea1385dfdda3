/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench: the in-VM driver of `make bench`; what its parts share.
 *
 *   main.c          the rounds: every configuration, alternated
 *   util.c          checks, clocks, files, the probe list, modules
 *   procs.c         the ping-pong helper and the idle processes
 *   tracer_client.c /dev/tracer and /proc/tracer (tools/lib)
 *   workloads.c     what is timed
 *   states.c        the configurations and the moves between them
 *   bpftrace.c      configurations 6 and 7: bpftrace keeping the counts
 *   measure.c       one round of one configuration
 *   arming.c        what arming and disarming cost
 *   memory.c        what tracer holds in kernel memory
 */
#ifndef BENCH_H
#define BENCH_H

#define _GNU_SOURCE
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "../tools/lib/tracer_client.h"

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

#define NR_IDLE 1000
#define NR_MEM_PIDS 10000

/* util.c */
extern int passed, failed;
void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double now_ns(void);
void sleep_ms(unsigned int ms);
long read_long(const char *path);
void dump_file(const char *path);

/* The functions tracer probes (src/probe_list.h), and which exist here. */
struct sym {
	const char *name;
	const char *kind;	/* size0, size2, size3, large, or a function */
	bool kmalloc;
	bool present;
};
#define MAX_SYMS 64
extern struct sym syms[];
extern const unsigned int nr_syms;
void find_symbols(void);

int load_module(const char *path);
int unload_module(const char *name);

/* procs.c */
extern pid_t self_pid, helper_pid;
extern int ping_w, pong_r;
void start_helper(void);
struct idle_set {
	pid_t *pids;
	unsigned int nr;
	int wake_r, wake_w;
	char *stacks;
	size_t stack_size;
};
int idle_start(struct idle_set *s, unsigned int nr);
void idle_stop(struct idle_set *s);

/* tracer_client.c: tracer through the client library (tools/lib) */
extern int tracer_fd;
int tracer_set(const pid_t *pids, unsigned int nr, bool add);
int tracer_rows(const pid_t *pids, unsigned int nr,
		unsigned long long sum[TRACER_NR_COUNTERS]);

/* workloads.c */
extern int tt_fd;
struct workload {
	const char *name;
	bool kernel;
	const char *program;	/* %u: the count */
	unsigned int ops;	/* at scale 1 */
	/* The counts tracer must show for @ops operations (kernel ones). */
	unsigned int per_op[TRACER_NR_COUNTERS];
	int (*run)(unsigned int ops);
};
extern struct workload workloads[];
extern const unsigned int nr_workloads;
extern double scale;
unsigned int ops_of(const struct workload *w);
int run_workload(const struct workload *w, unsigned int ops);
void warm_up(void);

/* states.c */
enum cfg { CFG_BASE, CFG_FLOOR, CFG_TRACER, CFG_OTHERS, CFG_MON, CFG_MON1K,
	CFG_BPF, CFG_KFUNC, NR_CFGS };
extern const char *const cfg_names[NR_CFGS];
enum module { M_NONE, M_FLOOR, M_TRACER, M_BPF, M_KFUNC };
struct state {
	enum module module;
	bool mon_work, mon_idle;
};
extern struct state cur;
extern struct idle_set idle;
extern pid_t work_pids[2];
extern bool use_bpftrace;
/* Whether this kernel and bpftrace attach kfunc probes (configuration 7). */
extern bool use_kfunc;
extern const char *tracer_ko, *floor_ko;
extern bool bpf_counts_ok, missed_ok;
extern int bpf_hung;	/* bpftrace sessions killed in their exit */
int leave_module(int round);
int enter_module(enum module m);
int wait_disarmed(unsigned int ms);
int enter(enum cfg cfg, int round);

/* bpftrace.c */
extern unsigned long long bpf_counts[TRACER_NR_COUNTERS], bpf_returns;
extern unsigned long long bpf_expect[TRACER_NR_COUNTERS];
extern double bpf_start_s;
void bpf_alarm(int sig);
bool kfunc_probe_names(void);
int bpf_start(bool kfunc);
int bpf_stop(void);

/* measure.c */
extern bool counts_ok, runs_ok;
void missed_now(long *missed, long *skipped);
void measure(enum cfg cfg, int round);

/* arming.c */
void arming(unsigned int cycles);

/* memory.c */
void memory(void);

#endif

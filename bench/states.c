// SPDX-License-Identifier: GPL-2.0-only
/* The configurations, and the moves from one to the next. */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

const char *const cfg_names[NR_CFGS] = {
	"1", "2", "3", "3b", "4", "5", "6", "7",
};

static const struct state cfg_state[NR_CFGS] = {
	[CFG_BASE] = { M_NONE },
	[CFG_FLOOR] = { M_FLOOR },
	[CFG_TRACER] = { M_TRACER },
	[CFG_OTHERS] = { M_TRACER, false, true },
	[CFG_MON] = { M_TRACER, true, false },
	[CFG_MON1K] = { M_TRACER, true, true },
	[CFG_BPF] = { M_BPF },
	[CFG_KFUNC] = { M_KFUNC },
};

struct state cur;
struct idle_set idle;
pid_t work_pids[2];
bool use_bpftrace = true;
/* Whether this kernel and bpftrace attach kfunc probes (configuration 7). */
bool use_kfunc;

const char *tracer_ko = "/lib/tracer.ko", *floor_ko = "/lib/tracer_floor.ko";

bool bpf_counts_ok = true, missed_ok = true;
int bpf_hung;	/* bpftrace sessions killed in their exit */

int leave_module(int round)
{
	bool low;
	int err = 0, c;

	switch (cur.module) {
	case M_FLOOR:
		err = unload_module("tracer_floor");
		break;
	case M_TRACER:
		close(tracer_fd);
		tracer_fd = -1;
		err = unload_module("tracer");
		break;
	case M_BPF:
	case M_KFUNC:
		err = bpf_stop();
		/*
		 * A bpftrace that hangs in its exit (seen now and then under
		 * emulation, with kprobes and with kfunc) is killed: what it
		 * counted is unknown, which is bpftrace's failure, not a
		 * count below the workload's.  It is reported, not judged.
		 */
		if (err == -ETIMEDOUT) {
			bpf_hung++;
			err = 0;
			break;
		}
		printf("BPF %d returns_missing %lld start_s %.1f %s\n", round,
		       (long long)(bpf_counts[T_KMALLOC] - bpf_returns),
		       bpf_start_s, cur.module == M_KFUNC ? "kfunc" : "kprobe");
		if (bpf_counts[T_KMALLOC] != bpf_returns)
			missed_ok = false;
		for (c = 0, low = false; c < TRACER_NR_COUNTERS; c++)
			low = low || bpf_counts[c] < bpf_expect[c];
		if (low) {
			bpf_counts_ok = false;
			printf("# bpftrace counted (at least):");
			for (c = 0; c < TRACER_NR_COUNTERS; c++)
				printf(" %s=%llu/%llu", tracer_counter_names[c],
				       bpf_counts[c], bpf_expect[c]);
			printf("\n");
		}
		break;
	case M_NONE:
		break;
	}
	cur = (struct state){ M_NONE };
	return err;
}

int enter_module(enum module m)
{
	int err = 0;

	switch (m) {
	case M_FLOOR:
		err = load_module(floor_ko);
		break;
	case M_TRACER:
		err = load_module(tracer_ko);
		if (!err) {
			tracer_fd = tracer_dev_open();
			if (tracer_fd < 0)
				err = -errno;
		}
		break;
	case M_BPF:
	case M_KFUNC:
		err = bpf_start(m == M_KFUNC);
		if (err)
			dump_file("/tmp/bpftrace.err");
		break;
	case M_NONE:
		break;
	}
	if (!err)
		cur.module = m;
	return err;
}

int wait_disarmed(unsigned int ms)
{
	for (; ms; ms--) {
		if (tracer_read_stat(S_armed) == 0)
			return 0;
		sleep_ms(1);
	}
	return tracer_read_stat(S_armed) == 0 ? 0 : -ETIMEDOUT;
}

int enter(enum cfg cfg, int round)
{
	const struct state *want = &cfg_state[cfg];
	bool changed = cur.module != want->module;
	int err = 0, bad = 0;

	if (changed) {
		err = leave_module(round);
		if (err)
			check(false, "round %d: leaving for config %s: %s",
			      round, cfg_names[cfg], strerror(-err));
		err = enter_module(want->module);
		if (err)
			return err;
	}
	if (cur.module == M_TRACER) {
		long long armed = tracer_read_stat(S_armed);

		if (cur.mon_work && !want->mon_work)
			bad += tracer_set(work_pids, 2, false);
		if (cur.mon_idle && !want->mon_idle)
			bad += tracer_set(idle.pids, idle.nr, false);
		if (!cur.mon_work && want->mon_work)
			bad += tracer_set(work_pids, 2, true);
		if (!cur.mon_idle && want->mon_idle)
			bad += tracer_set(idle.pids, idle.nr, true);
		cur.mon_work = want->mon_work;
		cur.mon_idle = want->mon_idle;
		if (bad)
			return -EIO;
		/* Nothing monitored: measured as an idle tracer is, disarmed. */
		if (!want->mon_work && !want->mon_idle && wait_disarmed(60000))
			return -ETIMEDOUT;
		changed = changed || tracer_read_stat(S_armed) != armed;
	}
	/*
	 * Let deferred work (module load, disarming, tracer's reaper) end:
	 * a schedule() loop yields to whatever kworker is still runnable.
	 * Under the icount clock an idle guest skips its sleeps.
	 */
	sleep_ms(2000);
	/*
	 * Loading, unloading, arming or disarming probes patches kernel
	 * text, and TCG throws away its translations of the pages patched:
	 * one untimed pass of every workload pays for translating them again.
	 */
	if (changed)
		warm_up();
	return 0;
}


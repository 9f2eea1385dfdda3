// SPDX-License-Identifier: GPL-2.0-only
/* One round of one configuration: every workload timed and counted. */
#include "bench.h"

#include <errno.h>
#include <string.h>

/* Cumulative missed/skipped counters of whatever is loaded. */
void missed_now(long *missed, long *skipped)
{
	*missed = *skipped = 0;
	if (cur.module == M_TRACER) {
		*missed = tracer_read_stat(S_missed);
		*skipped = tracer_read_stat(S_skipped_nested);
	} else if (cur.module == M_FLOOR) {
		*missed = read_long("/sys/module/tracer_floor/parameters/missed");
		*skipped = read_long("/sys/module/tracer_floor/parameters/skipped_nested");
	}
}

#define CHUNKS 5

bool counts_ok = true, runs_ok = true;

void measure(enum cfg cfg, int round)
{
	unsigned long long first[TRACER_NR_COUNTERS], before[TRACER_NR_COUNTERS], after[TRACER_NR_COUNTERS];
	long m0, s0, m1, s1;
	unsigned int i, ops;
	bool counting = cfg == CFG_MON || cfg == CFG_MON1K;

	missed_now(&m0, &s0);
	for (i = 0; i < nr_workloads; i++) {
		const struct workload *w = &workloads[i];
		double t0, t1, best, events = -1;
		int err, c, k;

		ops = ops_of(w);
		/* A short warm-up: TCG translates new code on first use. */
		run_workload(w, ops / 8 + 1);
		/*
		 * Reading /proc/tracer is itself counted: two reads in a row
		 * measure what one read adds to the window, to subtract.
		 */
		if (counting && (tracer_rows(work_pids, 2, first) ||
				 tracer_rows(work_pids, 2, before)))
			check(false, "round %d config %s: no /proc/tracer rows",
			      round, cfg_names[cfg]);
		/*
		 * The fastest of CHUNKS equal runs: the host's other work
		 * (its other VMs, say) only ever adds time to a run under
		 * emulation, so the minimum is the least disturbed figure.
		 */
		best = 0;
		err = 0;
		for (k = 0; k < CHUNKS && !err; k++) {
			t0 = now_ns();
			err = run_workload(w, ops / CHUNKS);
			t1 = now_ns();
			if (!k || t1 - t0 < best)
				best = t1 - t0;
		}
		ops = ops / CHUNKS * CHUNKS;
		if (counting && !tracer_rows(work_pids, 2, after)) {
			unsigned long long sum = 0;

			for (c = 0; c < TRACER_NR_COUNTERS; c++) {
				long long d = (long long)(after[c] - before[c]) -
					      (long long)(before[c] - first[c]);
				long long want = (long long)w->per_op[c] * ops;

				if (!tracer_counter_is_bytes(c))
					sum += d;
				/*
				 * The program's own first and last block, a
				 * schedule() on return to user space: a few
				 * calls (and bytes) more than the loop's; the
				 * reads subtracted may hold such a call too.
				 */
				if (w->kernel &&
				    (d + 2 < want || d > want + want / 100 + 4 * 64)) {
					counts_ok = false;
					printf("# config %s %s: %s counted %lld, ran %lld\n",
					       cfg_names[cfg], w->name, tracer_counter_names[c],
					       d, want);
				}
			}
			events = (double)sum / ops;
		}
		if (cfg == CFG_BPF || cfg == CFG_KFUNC) {
			for (c = 0; c < TRACER_NR_COUNTERS; c++)
				bpf_expect[c] += (unsigned long long)w->per_op[c] *
						 (ops + ops / 8 + 1);
		}
		if (err) {
			runs_ok = false;
			printf("# config %s %s: run failed: %s\n",
			       cfg_names[cfg], w->name, strerror(errno));
		}
		printf("R %d %s %s %.1f %u %.3f\n", round, cfg_names[cfg],
		       w->name, best / (ops / CHUNKS), ops, events);
		fflush(stdout);
	}
	missed_now(&m1, &s1);
	if (cfg != CFG_BPF && cfg != CFG_KFUNC)
		printf("MISSED %d %s %ld %ld\n", round, cfg_names[cfg],
		       m1 - m0, s1 - s0);
	if (m1 != m0)
		missed_ok = false;
}

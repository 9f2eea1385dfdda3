// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench: the in-VM driver of `make bench` (PID 1's child in bench/init).
 *
 * One boot runs every configuration, alternated within each round (forward
 * on even rounds, backward on odd ones, so that drift over the boot falls
 * on all of them alike), and prints raw lines that bench/report turns into
 * the table:
 *
 *   R round config workload ns_per_op ops events_per_op
 *        events_per_op is what tracer counted for the workload's processes
 *        in configurations 4 and 5 (-1 elsewhere: nothing counts there)
 *   MISSED round config missed skipped_nested
 *   MEM name bytes
 *   ok - bench: ... / FAIL - bench: ...   checks; then "N passed, N failed"
 *
 * Configurations: 1 nothing loaded; 2 tracer_floor.ko (the same kretprobes
 * with empty handlers); 3 tracer.ko, nothing monitored; 3b tracer.ko with
 * 1,000 idle processes monitored, the workload not; 4 tracer.ko with the
 * workload's processes monitored; 5 the same plus the 1,000 idle ones;
 * 6 bpftrace keeping the same per-PID counts, tracer not loaded.
 *
 * Workloads: kernel-side loops run by tracer_test.ko's TRACER_TEST_RUN
 * ioctl in this process's own context (kmalloc+kfree, mutex lock+unlock,
 * down_interruptible+up, schedule), and user-space ones (pipe ping-pong
 * with a helper process, small file operations, thread creation).
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int rounds = 9, round, i, opt;
	unsigned int cycles = 200;
	bool mem = true;

	while ((opt = getopt(argc, argv, "r:s:nBc:")) != -1) {
		switch (opt) {
		case 'c':
			cycles = atoi(optarg) > 0 ? atoi(optarg) : 1;
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 's':
			scale = atof(optarg);
			break;
		case 'n':
			mem = false;
			break;
		case 'B':
			use_bpftrace = false;
			break;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, bpf_alarm);
	self_pid = getpid();
	find_symbols();
	for (i = 0; i < (int)nr_syms; i++)
		if (syms[i].present)
			note("probed: %s", syms[i].name);
	tt_fd = open("/proc/tracer_test", O_RDWR);
	if (tt_fd < 0) {
		check(false, "open /proc/tracer_test: %s", strerror(errno));
		goto out;
	}
	start_helper();
	work_pids[0] = self_pid;
	work_pids[1] = helper_pid;
	check(!idle_start(&idle, NR_IDLE), "%d idle processes started", NR_IDLE);
	if (use_bpftrace) {
		use_kfunc = kfunc_probe_names();
		note("kfunc: %s", use_kfunc ?
		     "configuration 7 runs (BTF and bpftrace's kfunc support)" :
		     "configuration 7 left out: bpftrace cannot attach kfunc probes to every probed function here");
	}
	note("rounds %d, scale %.2f", rounds, scale);
	/* Discarded: the first runs pay for TCG's translation of the paths. */
	warm_up();
	printf("START %.0f\n", now_ns() / 1e9);

	for (round = 0; round < rounds; round++) {
		for (i = 0; i < NR_CFGS; i++) {
			enum cfg cfg = round % 2 ? NR_CFGS - 1 - i : i;
			int err;

			if ((cfg == CFG_BPF && !use_bpftrace) ||
			    (cfg == CFG_KFUNC && !use_kfunc))
				continue;
			err = enter(cfg, round);
			if (err) {
				check(false, "round %d: enter config %s: %s",
				      round, cfg_names[cfg], strerror(-err));
				runs_ok = false;
				continue;
			}
			measure(cfg, round);
		}
	}
	i = leave_module(rounds);
	if (i)
		check(false, "leaving the last configuration: %s", strerror(-i));
	printf("END %.0f\n", now_ns() / 1e9);
	check(runs_ok, "every configuration ran every workload");
	check(counts_ok, "tracer counted exactly the kernel workloads' calls (configs 4, 5)");
	check(missed_ok, "no missed event: kretprobe nmissed of tracer and floor, kmalloc returns bpftrace saw");
	if (use_bpftrace)
		check(bpf_counts_ok, "bpftrace counted at least the kernel workloads' calls (configs 6, 7)");
	if (bpf_hung)
		note("bpftrace hung in its exit %d time(s) and was killed: those sessions' counts are unknown",
		     bpf_hung);
	arming(cycles);
	if (mem)
		memory();
	idle_stop(&idle);
	close(ping_w);
	waitpid(helper_pid, NULL, 0);
out:
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

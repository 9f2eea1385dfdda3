// SPDX-License-Identifier: GPL-2.0-only
/*
 * What is left at the end: no missed event, no leaked entry, and rmmod /
 * insmod cycles that leave nothing behind and count exactly afterwards.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suite.h"


static int test_nothing_missed_or_leaked(void)
{
	long missed = read_long_file(SYSDIR "missed");
	long overflows = read_long_file(SYSDIR "addr_overflows");
	long procs = read_long_file(SYSDIR "processes"), entries = -1;
	long nested = read_long_file(SYSDIR "skipped_nested");
	int ms;

	/* Removed processes' address entries go after a grace period. */
	for (ms = 0; ms < 5000; ms += 50) {
		entries = read_long_file(SYSDIR "addr_entries");
		if (!entries)
			break;
		usleep(50000);
	}
	note("missed %ld, skipped_nested %ld (interrupt context), addr_overflows %ld, processes %ld, addr_entries %ld",
	     missed, nested, overflows, procs, entries);
	if (missed < 0 || nested < 0)
		return fail("no missed/skipped_nested counters in sysfs");
	if (missed || overflows)
		return fail("missed %ld events, %ld address overflows", missed,
			    overflows);
	if (procs || entries)
		return fail("left behind: %ld processes, %ld address entries",
			    procs, entries);
	return 0;
}

static int test_rmmod_insmod(void)
{
	pid_t pid;
	int i;

	for (i = 0; i < 5; i++) {
		/* A monitored process while unloading: freed with the rest. */
		pid = tt_spawn("kmalloc=3:40");
		if (pid <= 0 || tracer_add(pid))
			return fail("cycle %d: no worker to monitor", i);
		tt_go(pid);
		tt_wait(pid);
		if (system("rmmod tracer"))
			return fail("cycle %d: rmmod failed", i);
		tt_stop(pid);
		if (tracer_leftovers())
			return fail("cycle %d: something is left after rmmod",
				    i);
		if (system("insmod /lib/tracer.ko"))
			return fail("cycle %d: insmod failed", i);
		if (access("/proc/tracer", F_OK) || access("/dev/tracer", F_OK))
			return fail("cycle %d: nothing after insmod", i);
	}
	/* The last load counts exactly. */
	return check_worker("after reload",
			    "kmalloc=7:33,kfree=7,lock=4,updown=2,sched=3");
}

const struct test lifecycle_tests[] = {
	{ "no missed event, no leaked entry", test_nothing_missed_or_leaked },
	{ "rmmod/insmod x5 with a monitored process", test_rmmod_insmod },
	{ NULL, NULL }
};

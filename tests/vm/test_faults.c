// SPDX-License-Identifier: GPL-2.0-only
/*
 * Faults, on kernels built for fault injection (the debug lanes): every
 * allocation an add makes fails in turn, and every step of module init
 * fails in turn.  Each failure must give ENOMEM and change nothing else;
 * the kernel log and kmemleak (run-lane's gate) must stay clean.
 *
 * The allocations fail through failslab and this thread's fail-nth
 * (Documentation/fault-injection): the Nth slab allocation the thread
 * makes from the next system call on fails, whoever makes it (tracer, the
 * kprobe core, ftrace, the tracepoint core).  N grows until an add makes
 * fewer than N allocations.  The page allocator keeps its defaults (order-0
 * and sleeping allocations never fail), as the kernel's own tests do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suite.h"
#include "../../src/uapi/tracer.h"

#define FAILSLAB "/sys/kernel/debug/failslab/"
#define FAIL_NTH "/proc/thread-self/fail-nth"
/* More than an add makes on any kernel: the sweep ends well before. */
#define MAX_POINTS 4000
/*
 * An add that arms makes tracer's own allocations first (the address table,
 * the exit tracepoint), then a few per probe in the kprobe and ftrace
 * cores.  A failed arm costs seconds on a debug kernel (ftrace waits for
 * tasks-RCU as it stops; on 7.3 with kmemleak an arming add makes about
 * 530 slab allocations), so past the first EXHAUSTIVE allocations the
 * sweep goes an eighth further each time: failures land in the arming of
 * probes all along the list, each leaving the probes before it to be
 * disarmed again.
 */
#define EXHAUSTIVE 16

struct sweep {
	int dev, nth_fd;
	int failed;	/* adds that gave ENOMEM */
	int absorbed;	/* adds that succeeded past a failed allocation */
	int points;	/* allocations the add makes */
};

static int fault_injection_ready(void)
{
	if (access(FAIL_NTH, W_OK))
		return skip("no " FAIL_NTH " (CONFIG_FAULT_INJECTION)");
	if (access(FAILSLAB "ignore-gfp-wait", W_OK))
		return skip("no " FAILSLAB " (CONFIG_FAILSLAB, FAULT_INJECTION_DEBUG_FS)");
	return 0;
}

/*
 * Sleeping allocations too (GFP_KERNEL is what an add uses), and no stack
 * dumped for an injected failure, so that the kernel log shows only what
 * the failure itself makes the kernel and tracer print.
 */
static int failslab_on(bool on)
{
	if (write_file(FAILSLAB "ignore-gfp-wait", on ? "N" : "Y") ||
	    write_file(FAILSLAB "verbose", "0"))
		return fail("cannot set up " FAILSLAB);
	return 0;
}

/*
 * Add @pid with this thread's @nth allocation failing.  Returns the add's
 * errno; *made_all is false when the add made fewer than @nth allocations.
 */
static int add_failing(struct sweep *s, pid_t pid, int nth, bool *made_all)
{
	char buf[16];
	ssize_t n;
	int err = 0;

	snprintf(buf, sizeof(buf), "%d", nth);
	if (pwrite(s->nth_fd, buf, strlen(buf), 0) < 0)
		return -1;
	if (ioctl(s->dev, TRACER_ADD_PROCESS, pid) < 0)
		err = errno;
	n = pread(s->nth_fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	*made_all = n > 0 && !atoi(buf);
	if (pwrite(s->nth_fd, "0", 1, 0) < 0)
		return -1;
	return err;
}

/*
 * The state a failed add must leave: @pid without a row, @procs processes
 * monitored and, once the disarm work has run, @armed.
 */
static int check_unchanged(const char *what, int nth, pid_t pid, long procs,
			   int armed)
{
	struct counts c;
	int enabled, listed;

	if (find_row(pid, &c))
		return fail("%s, allocation %d failed: the add made a row", what,
			    nth);
	if (read_long_file(SYSDIR "processes") != procs)
		return fail("%s, allocation %d failed: %ld processes, not %ld",
			    what, nth, read_long_file(SYSDIR "processes"),
			    procs);
	if (wait_armed(armed, DISARM_WAIT_MS))
		return fail("%s, allocation %d failed: armed is %ld, not %d",
			    what, nth, read_long_file(SYSDIR "armed"), armed);
	listed = probes_listed(&enabled);
	if (listed <= 0 || enabled != (armed ? listed : 0))
		return fail("%s, allocation %d failed: %d of %d probes enabled",
			    what, nth, enabled, listed);
	if (!armed && read_long_file(SYSDIR "addr_entries"))
		return fail("%s, allocation %d failed: %ld address entries while disarmed",
			    what, nth, read_long_file(SYSDIR "addr_entries"));
	return 0;
}

/*
 * Fail each allocation of adding @pid in turn.  @procs processes are
 * monitored already; with none, the add arms the probes.
 */
static int sweep_add(struct sweep *s, const char *what, pid_t pid, long procs)
{
	int armed = procs > 0, nth, err;
	char step[128];
	bool made_all;

	for (nth = 1; nth <= MAX_POINTS;
	     nth += armed || nth < EXHAUSTIVE ? 1 : nth / 8) {
		snprintf(step, sizeof(step), "faults: %s, allocation %d", what,
			 nth);
		note_step(step);
		err = add_failing(s, pid, nth, &made_all);
		if (err < 0)
			return fail("%s: cannot write " FAIL_NTH, what);
		if (!err) {
			/* Fewer than nth allocations: the sweep is over. */
			if (tracer_remove(pid) || wait_armed(armed, DISARM_WAIT_MS))
				return fail("%s: cannot remove after the add", what);
			if (!made_all) {
				s->points = nth - 1;	/* or fewer, past a stride */
				return 0;
			}
			/* A failure the kernel recovered from by itself. */
			s->absorbed++;
			continue;
		}
		if (err != ENOMEM)
			return fail("%s, allocation %d failed: the add gave %s, not ENOMEM",
				    what, nth, strerror(err));
		if (!made_all)
			return fail("%s: ENOMEM with no allocation made to fail",
				    what);
		s->failed++;
		err = check_unchanged(what, nth, pid, procs, armed);
		if (err)
			return err;
	}
	return fail("%s: more than %d allocations", what, MAX_POINTS);
}

static int test_add_faults(void)
{
	struct sweep first = { 0 }, more = { 0 };
	int w1, w2, err;
	pid_t a, b;

	err = fault_injection_ready();
	if (err)
		return err;
	first.dev = open("/dev/tracer", O_RDONLY | O_CLOEXEC);
	first.nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (first.dev < 0 || first.nth_fd < 0)
		return fail("cannot open /dev/tracer and " FAIL_NTH);
	more.dev = first.dev;
	more.nth_fd = first.nth_fd;
	a = sleeper(&w1);
	b = sleeper(&w2);
	/* Disarmed at once when a failed add leaves the table empty. */
	err = set_disarm_delay(0) ? fail("cannot write " DISARM_DELAY_PARAM)
				  : failslab_on(true);
	if (!err && wait_armed(0, DISARM_WAIT_MS))
		err = fail("still armed before the test");
	if (!err)
		err = sweep_add(&first, "the first add", a, 0);
	/* An add while armed: a keeps the probes armed. */
	if (!err && tracer_add(a))
		err = fail("cannot add a process once the sweep is over");
	if (!err)
		err = sweep_add(&more, "an add while armed", b, 1);
	if (!err && tracer_remove(a))
		err = fail("cannot remove the first process");
	failslab_on(false);
	set_disarm_delay(2000);
	close(first.dev);
	close(first.nth_fd);
	/* b, forked after a, holds a copy of a's pipe: b goes first. */
	end_sleeper(b, w2);
	end_sleeper(a, w1);
	if (err)
		return err;
	if (!first.failed || !more.failed)
		return fail("no add failed: %d and %d allocations made to fail",
			    first.failed, more.failed);
	note("the add that arms: about %d allocations, %d failed it with ENOMEM, %d were absorbed; an add while armed: %d, %d and %d",
	     first.points, first.failed, first.absorbed, more.points,
	     more.failed, more.absorbed);
	return check_worker("after the failed adds",
			    "kmalloc=5:48,kfree=5,lock=3,updown=2,sched=2");
}

/* Nothing of a module whose init failed: no files, no more kretprobes. */
static int check_nothing_left(int step, int probes)
{
	int enabled, listed = probes_listed(&enabled);

	if (tracer_leftovers())
		return fail("init failed at step %d and left a file behind",
			    step);
	if (listed != probes)
		return fail("init failed at step %d: %d kretprobes, %d before",
			    step, listed, probes);
	return 0;
}

static int test_init_faults(void)
{
	char params[32];
	int step, err, probes, enabled;

	err = fault_injection_ready();
	if (err)
		return err;
	while ((err = tracer_unload()) == EAGAIN || err == EBUSY)
		usleep(1000);
	if (err)
		return fail("rmmod: %s", strerror(err));
	probes = probes_listed(&enabled);
	for (step = 1; step <= 64; step++) {
		snprintf(params, sizeof(params), "fail_init_step=%d", step);
		err = tracer_load(params);
		if (!err)
			break;
		if (err != ENOMEM)
			return fail("init step %d failed with %s, not the injected ENOMEM",
				    step, strerror(err));
		err = check_nothing_left(step, probes);
		if (err)
			return err;
	}
	if (step == 1)
		return fail("the load with fail_init_step=1 worked: no fail_init_step parameter?");
	if (step > 64)
		return fail("init failed at every one of 64 steps");
	/* The module as /init loads it. */
	while ((err = tracer_unload()) == EAGAIN || err == EBUSY)
		usleep(1000);
	err = err ? err : tracer_load("");
	if (err)
		return fail("reload after the faults: %s", strerror(err));
	note("init failed with ENOMEM at each of its %d steps and left nothing; load %d worked",
	     step - 1, step);
	return check_worker("after the failed inits",
			    "kmalloc=6:36,kfree=6,lock=2,updown=3,sched=1");
}

const struct test fault_tests[] = {
	{ "faults: each allocation of an add fails: ENOMEM, nothing changed", test_add_faults },
	{ "faults: each step of init fails: ENOMEM, nothing left", test_init_faults },
	{ NULL, NULL }
};

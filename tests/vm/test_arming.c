// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arming on demand: the probes are enabled only while something is
 * monitored.  Idle means every probe disabled in the kprobe core's own
 * list and an empty address table; a process added right after the table
 * emptied counts exactly from its first call; thousands of transitions
 * under a workload and readers lose nothing; rmmod works in every state.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suite.h"

static int test_idle_disarmed(void)
{
	long arms0, disarms0;
	int listed, enabled, err;
	double t0;

	if (read_long_file(SYSDIR "armed") < 0)
		return fail("no armed/arms/disarms attributes");
	if (set_disarm_delay(300))
		return fail("cannot write " DISARM_DELAY_PARAM);
	if (wait_armed(0, DISARM_WAIT_MS))
		return fail("still armed with %ld processes monitored",
			    read_long_file(SYSDIR "processes"));
	/* The previous test's disarm is done: count from here. */
	arms0 = read_long_file(SYSDIR "arms");
	disarms0 = read_long_file(SYSDIR "disarms");
	listed = probes_listed(&enabled);
	if (listed <= 0)
		return fail("no kretprobe in " KPROBES);
	if (enabled)
		return fail("idle: %d of %d kretprobes enabled", enabled,
			    listed);
	if (read_long_file(SYSDIR "addr_entries"))
		return fail("idle: %ld address entries",
			    read_long_file(SYSDIR "addr_entries"));

	/* The first add arms them all, and counts from its first call. */
	err = check_worker("first add after idle",
			   "kmalloc=6:70,kfree=6,lock=5,updown=4,sched=3");
	if (err)
		return err;
	if (read_long_file(SYSDIR "arms") != arms0 + 1)
		return fail("arms went from %ld to %ld for one first add", arms0,
			    read_long_file(SYSDIR "arms"));
	t0 = now();
	if (wait_armed(0, DISARM_WAIT_MS))
		return fail("not disarmed after the worker exited");
	probes_listed(&enabled);
	if (enabled || read_long_file(SYSDIR "disarms") != disarms0 + 1)
		return fail("after the disarm: %d probes enabled, disarms %ld -> %ld",
			    enabled, disarms0, read_long_file(SYSDIR "disarms"));
	note("idle: %d kretprobes, all disabled; armed by the first add, disarmed %.2f s after the exit (disarm_delay_ms 300)",
	     listed, now() - t0);
	return set_disarm_delay(2000) ? fail("cannot restore the delay") : 0;
}

/*
 * disarm_delay_ms=0: each exit that empties the table disarms at once,
 * racing the next add, which must arm again before it returns.
 */
static int test_add_right_after_empty(void)
{
	long arms0 = read_long_file(SYSDIR "arms");
	int i, n = scaled(40), err = 0;

	if (set_disarm_delay(0))
		return fail("cannot write " DISARM_DELAY_PARAM);
	for (i = 0; i < n && !err; i++) {
		err = check_worker("added as the table emptied",
				   "kmalloc=3:90,kfree=3,lock=2,updown=1,sched=1");
		/* Now and then, after the disarm rather than during it. */
		if (!err && i % 4 == 3 && wait_armed(0, DISARM_WAIT_MS))
			err = fail("round %d: never disarmed", i);
	}
	set_disarm_delay(2000);
	if (!err)
		note("%d workers added as the table emptied, all exact; %ld arms",
		     n, read_long_file(SYSDIR "arms") - arms0);
	return err;
}

/* ---- many transitions under load ---- */

static volatile int stop_load;

struct cycler {
	pid_t pid;
	int cycles, done, errors;
	double deadline;
};

/*
 * Add one process, remove it: the table goes 0 -> 1 -> 0 each time.  The
 * next add mostly wins the race with the disarm, so every 250th cycle
 * waits for the disarm to happen (an arm and a disarm take about a
 * second under emulation), and the next add arms again.
 */
static void *cycler(void *arg)
{
	struct cycler *c = arg;

	for (c->done = 0; c->done < c->cycles && now() < c->deadline;
	     c->done++) {
		if (tracer_add(c->pid) || tracer_remove(c->pid))
			c->errors++;
		if (c->done % 250 == 249 && wait_armed(0, DISARM_WAIT_MS))
			c->errors++;
	}
	return NULL;
}

/* An unmonitored kernel workload: allocations nobody may be charged for. */
static void *unmonitored(void *arg)
{
	int fd = tt_open_run();

	while (fd >= 0 && !stop_load)
		tt_run(fd, "kmalloc=50:64,kfree=50,lock=20");
	if (fd >= 0)
		close(fd);
	return NULL;
}

/*
 * With disarm_delay_ms 0 the disarm work races every add, and where it
 * wins (often on a debug kernel, where an arm and a disarm take seconds)
 * a cycle is a full arm and disarm: the cycles stop after CYCLE_SECONDS,
 * and the note says how many ran.
 */
#define CYCLE_SECONDS 120

static int test_rapid_cycles(void)
{
	static const char *prog = "kmalloc=30:40,kfree=30,lock=20,updown=10,sched=5";
	long arms0 = read_long_file(SYSDIR "arms");
	long disarms0 = read_long_file(SYSDIR "disarms");
	long missed0 = read_long_file(SYSDIR "missed");
	struct cycler c = { .cycles = scaled(10000) };
	struct proc_reader rd[2] = { { .stop = &stop_load },
				      { .stop = &stop_load } };
	pthread_t t[4];
	int w, i, rounds = 0, err = 0;
	double t0 = now();

	c.deadline = t0 + CYCLE_SECONDS;
	c.pid = sleeper(&w);
	if (c.pid <= 0 || set_disarm_delay(0))
		return fail("cannot start");
	stop_load = 0;
	pthread_create(&t[0], NULL, cycler, &c);
	pthread_create(&t[1], NULL, proc_reader, &rd[0]);
	pthread_create(&t[2], NULL, proc_reader, &rd[1]);
	pthread_create(&t[3], NULL, unmonitored, NULL);
	/* Steady workers, each added as the cycler empties the table. */
	while (!err && c.done < c.cycles && now() < c.deadline) {
		err = check_worker("steady worker among the cycles", prog);
		rounds++;
	}
	pthread_join(t[0], NULL);
	stop_load = 1;
	for (i = 1; i < 4; i++)
		pthread_join(t[i], NULL);
	close(w);
	waitpid(c.pid, NULL, 0);
	set_disarm_delay(2000);
	if (err)
		return err;
	if (c.errors)
		return fail("%d of %d add/remove cycles failed", c.errors,
			    c.done);
	if (rd[0].bad + rd[1].bad)
		return fail("%ld reads of /proc/tracer failed",
			    rd[0].bad + rd[1].bad);
	if (read_long_file(SYSDIR "missed") != missed0)
		return fail("missed events: %ld -> %ld", missed0,
			    read_long_file(SYSDIR "missed"));
	if (wait_armed(0, DISARM_WAIT_MS))
		return fail("still armed after the cycles");
	if (read_long_file(SYSDIR "addr_entries"))
		return fail("%ld address entries left while disarmed",
			    read_long_file(SYSDIR "addr_entries"));
	if (read_long_file(SYSDIR "disarms") <= disarms0)
		return fail("no disarm happened during the cycles");
	note("%d of %d add/remove cycles in %.0f s: %ld arms, %ld disarms, %d exact steady workers, %ld reads",
	     c.done, c.cycles, now() - t0, read_long_file(SYSDIR "arms") - arms0,
	     read_long_file(SYSDIR "disarms") - disarms0, rounds,
	     rd[0].reads + rd[1].reads);
	return 0;
}

/* ---- rmmod in every state ---- */

static int reload(const char *state, int i)
{
	int err;

	while ((err = tracer_unload()) == EAGAIN || err == EBUSY)
		usleep(1000);
	if (err)
		return fail("%s, cycle %d: rmmod: %s", state, i, strerror(err));
	err = tracer_load("");
	return err ? fail("%s, cycle %d: insmod: %s", state, i,
			  strerror(err)) : 0;
}

static int test_rmmod_any_state(void)
{
	int i, w, n = scaled(10), err = 0;
	pid_t pid = sleeper(&w);

	for (i = 0; i < n && !err; i++) {
		/* Armed, with a process monitored. */
		err = tracer_add(pid) ? fail("add") : reload("armed", i);
		/* Disarmed. */
		if (!err && wait_armed(0, DISARM_WAIT_MS))
			err = fail("not disarmed after a reload");
		if (!err)
			err = reload("disarmed", i);
		/* The disarm pending, then running (delay 0). */
		if (!err && (set_disarm_delay(i % 2 ? 0 : 2000) || tracer_add(pid) ||
			     tracer_remove(pid)))
			err = fail("cannot add and remove");
		if (!err)
			err = reload(i % 2 ? "disarming" : "disarm pending", i);
	}
	close(w);
	waitpid(pid, NULL, 0);
	if (err)
		return err;
	return check_worker("after rmmod in every state",
			    "kmalloc=4:52,kfree=4,lock=3,updown=2,sched=2");
}

const struct test arming_tests[] = {
	{ "idle: every probe disabled, armed by the first add", test_idle_disarmed },
	{ "an add as the table empties counts exactly", test_add_right_after_empty },
	{ "10,000 add/remove cycles (at most 120 s), workload, readers, exact", test_rapid_cycles },
	{ "rmmod armed, disarmed, disarm pending and running", test_rmmod_any_state },
	{ NULL, NULL }
};

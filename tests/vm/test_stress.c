// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stress and races, each bounded in time: churn of adds and removes while
 * monitored threads work and readers read, exit races, load/unload under
 * load, and the tables filled to their bounds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suite.h"

#define PARAMS "/sys/module/tracer/parameters/"

/* ---- churn ---- */

#define CHURN_PIDS 16
#define CHURN_SECONDS 30

struct churner {
	pid_t pids[CHURN_PIDS];
	int in[CHURN_PIDS];	/* what this thread believes is in the table */
	unsigned int seed;
	long ops, errors;
};

static volatile int churn_stop;

static void *churn_thread(void *arg)
{
	struct churner *c = arg;

	while (!churn_stop) {
		int i = rand_r(&c->seed) % CHURN_PIDS;
		int err = c->in[i] ? tracer_remove(c->pids[i])
				   : tracer_add(c->pids[i]);

		if (err)
			c->errors++;
		else
			c->in[i] = !c->in[i];
		c->ops++;
	}
	return NULL;
}

static int test_churn(void)
{
	static const char *prog = "kmalloc=400:48,kfree=400,lock=300,updown=200,sched=40";
	struct churner ch[2];
	struct proc_reader rd[2] = { { .stop = &churn_stop },
				      { .stop = &churn_stop } };
	pthread_t t[4];
	pid_t workers[4];
	int w[2][CHURN_PIDS], i, j, err = 0;
	long waits[4], ops = 0;
	double start = now();
	struct counts want, got, extra[4];

	memset(ch, 0, sizeof(ch));
	for (i = 0; i < 2; i++) {
		ch[i].seed = i + 1;
		for (j = 0; j < CHURN_PIDS; j++)
			ch[i].pids[j] = sleeper(&w[i][j]);
	}
	for (i = 0; i < 4; i++) {
		workers[i] = tt_spawn(prog);
		if (workers[i] <= 0 || tracer_add(workers[i]))
			return fail("cannot start steady workers");
	}
	churn_stop = 0;
	for (i = 0; i < 2; i++) {
		pthread_create(&t[i], NULL, churn_thread, &ch[i]);
		pthread_create(&t[2 + i], NULL, proc_reader, &rd[i]);
	}
	/* The steady workers run their programs again and again. */
	while (now() - start < CHURN_SECONDS) {
		pid_t lo = workers[0], hi = workers[0];

		for (i = 1; i < 4; i++) {
			lo = workers[i] < lo ? workers[i] : lo;
			hi = workers[i] > hi ? workers[i] : hi;
		}
		if (kernel_calls_begin(lo, hi)) {
			err = -1;
			break;
		}
		for (i = 0; i < 4; i++)
			tt_go(workers[i]);
		for (i = 0; i < 4; i++)
			waits[i] = tt_wait(workers[i]);
		if (kernel_calls_end(workers, 4, extra)) {
			err = -1;
			break;
		}
		for (i = 0; i < 4 && !err; i++) {
			if (waits[i] < 0)
				err = fail("steady worker %d stalled", workers[i]);
		}
		if (err)
			break;
		/* Each round is checked, then the worker is added afresh. */
		expect_program(prog, &want);
		for (i = 0; i < 4 && !err; i++) {
			struct counts w2 = want;

			kernel_calls_explain(i, 1, &want, &extra[i]);

			w2.v[C_SCHED] += waits[i];
			for (j = 0; j < NR_COLS; j++)
				w2.v[j] += extra[i].v[j];
			if (find_row(workers[i], &got) != 1)
				err = fail("steady worker lost its row");
			else
				err = compare_counts("steady worker under churn",
						     &got, &w2, 0);
			tt_stop(workers[i]);
			workers[i] = tt_spawn(prog);
			if (!err && (workers[i] <= 0 || tracer_add(workers[i])))
				err = fail("cannot restart a steady worker");
		}
		if (err)
			break;
	}
	churn_stop = 1;
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 4; i++) {
		tracer_remove(workers[i]);
		tt_stop(workers[i]);
	}
	/* The table holds exactly what the churners believe. */
	for (i = 0; i < 2 && !err; i++) {
		ops += ch[i].ops;
		if (ch[i].errors)
			err = fail("%ld adds/removes failed", ch[i].errors);
		for (j = 0; j < CHURN_PIDS && !err; j++)
			if (find_row(ch[i].pids[j], NULL) != ch[i].in[j])
				err = fail("PID %d: row %s", ch[i].pids[j],
					   ch[i].in[j] ? "missing" : "left over");
	}
	if (!err && rd[0].bad + rd[1].bad)
		err = fail("%ld reads of /proc/tracer failed",
			   rd[0].bad + rd[1].bad);
	for (i = 0; i < 2; i++)
		for (j = 0; j < CHURN_PIDS; j++) {
			tracer_remove(ch[i].pids[j]);
			close(w[i][j]);
		}
	while (wait(NULL) > 0)
		;
	if (!err)
		note("churn: %.0f s, %ld adds/removes, %ld reads of /proc/tracer",
		     now() - start, ops, rd[0].reads + rd[1].reads);
	return err;
}

/* ---- exit races ---- */

#define EXIT_PROCS 10000	/* scaled() */
#define EXIT_BATCH 256		/* children in flight, each with its stack */
#define EXIT_STACK 16384

static volatile pid_t last_forked;

static void *exit_remover(void *arg)
{
	long *removed = arg;

	while (last_forked >= 0) {
		pid_t pid = last_forked;

		if (pid > 0 && !tracer_remove(pid))
			(*removed)++;
	}
	return NULL;
}

/* Odd children exit before they can be added, even ones a moment later. */
static int exit_child(void *arg)
{
	struct timespec pause = { 0, 100000 };

	if ((long)arg & 1)
		return 0;
	syscall(SYS_nanosleep, &pause, NULL);
	return 0;
}

static int test_exit_races(void)
{
	long removed = 0, added = 0, entries = -1;
	char *stacks = malloc((size_t)EXIT_BATCH * EXIT_STACK);
	pthread_t t;
	int i, ms;

	if (!stacks)
		return fail("no memory for the children's stacks");
	pthread_create(&t, NULL, exit_remover, &removed);
	for (i = 0; i < scaled(EXIT_PROCS); i++) {
		/*
		 * Most children share our memory (light_child); every 16th is
		 * a real fork(), so an exit that tears down an address space
		 * (and kfree()s on its way out) races a removal too.
		 */
		pid_t pid = i % 16 ? light_child(exit_child, (void *)(long)i,
						 stacks + (i % EXIT_BATCH) * EXIT_STACK,
						 EXIT_STACK) : fork();

		if (pid == 0)
			_exit(exit_child((void *)(long)i));
		if (pid < 0) {
			last_forked = -1;
			pthread_join(t, NULL);
			free(stacks);
			return fail("child %d: %s", i, strerror(errno));
		}
		last_forked = pid;
		if (!tracer_add(pid))
			added++;
		if (i & 3)
			waitpid(pid, NULL, 0);	/* others stay zombies a while */
		/* A stack is reused only once its child has been reaped. */
		if (i % EXIT_BATCH == EXIT_BATCH - 1)
			while (waitpid(-1, NULL, 0) > 0)
				;
	}
	last_forked = -1;
	pthread_join(t, NULL);
	while (wait(NULL) > 0)
		;
	free(stacks);
	for (ms = 0; ms < 5000; ms += 50) {
		entries = read_long_file(SYSDIR "addr_entries");
		if (!entries && !read_long_file(SYSDIR "processes"))
			break;
		usleep(50000);
	}
	note("exit races: %d processes, %ld added, %ld removed while exiting",
	     scaled(EXIT_PROCS), added, removed);
	if (read_long_file(SYSDIR "processes"))
		return fail("%ld processes left in the table",
			    read_long_file(SYSDIR "processes"));
	if (entries)
		return fail("%ld address entries leaked", entries);
	return 0;
}

/* ---- load and unload under load ---- */

static void *proc_holder(void *arg)
{
	char buf[64];

	while (!churn_stop) {
		int fd = open("/proc/tracer", O_RDONLY);

		if (fd >= 0) {
			while (read(fd, buf, sizeof(buf)) > 0)
				usleep(1000);
			close(fd);
		}
	}
	return NULL;
}

/*
 * Under multi-threaded TCG this once crashed 6.1 (a worker inside a
 * kretprobed __kmalloc() returned to address 0 while tracer unloaded).
 * tests/vm/mttcg-experiment showed the same crashes on 7.3 without tracer:
 * with the floor module, with tracefs kretprobes, and once at boot with
 * nothing loaded (README, "Tests").  The lanes run single-threaded TCG.
 */
static int test_reload_under_load(void)
{
	static const char *busy = "kmalloc=3000:40,kfree=3000,lock=3000,sched=300,updown=1000";
	pid_t workers[4];
	pthread_t t;
	int i, cycle, err = 0;

	double t0, spent[3] = { 0, 0, 0 };	/* rmmod, insmod, stop */

	churn_stop = 0;
	pthread_create(&t, NULL, proc_holder, NULL);
	for (cycle = 0; cycle < scaled(100) && !err; cycle++) {
		for (i = 0; i < 4; i++) {
			workers[i] = tt_spawn(busy);
			tracer_add(workers[i]);
			tt_go(workers[i]);
		}
		/* Unload while they are in their loops: busy is refused. */
		t0 = now();
		while ((err = tracer_unload()) == EBUSY || err == EAGAIN)
			usleep(1000);
		spent[0] += now() - t0;
		t0 = now();
		if (err)
			err = fail("cycle %d: rmmod: %s", cycle, strerror(err));
		else if ((err = tracer_load("")))
			err = fail("cycle %d: insmod: %s", cycle, strerror(err));
		spent[1] += now() - t0;
		t0 = now();
		for (i = 0; i < 4; i++)
			tt_stop(workers[i]);
		spent[2] += now() - t0;
	}
	churn_stop = 1;
	pthread_join(t, NULL);
	if (err)
		return err;
	note("reload: %d rmmod/insmod cycles with 4 monitored workers running; %.1f s in rmmod, %.1f s in insmod, %.1f s stopping workers",
	     cycle, spent[0], spent[1], spent[2]);
	return check_worker("after the reloads",
			    "kmalloc=9:21,kfree=5,lock=6,updown=3,sched=2");
}

/* ---- limits ---- */

static int test_limits(void)
{
	int w[6], i, err = 0;
	pid_t pids[6], worker;
	long overflows, entries, cap, waits;
	struct counts got, want, extra;

	/* The process table: max_processes is writable at run time. */
	if (write_file(PARAMS "max_processes", "5"))
		return fail("cannot set max_processes");
	for (i = 0; i < 6; i++)
		pids[i] = sleeper(&w[i]);
	for (i = 0; i < 5 && !err; i++)
		if (tracer_add(pids[i]))
			err = fail("add %d of 5 failed", i + 1);
	if (!err && (i = tracer_add(pids[5])) != ENOSPC)
		err = fail("6th add with max_processes=5: %s, not ENOSPC",
			   strerror(i));
	write_file(PARAMS "max_processes", "32768");
	for (i = 0; i < 6; i++) {
		tracer_remove(pids[i]);
		close(w[i]);
	}
	while (wait(NULL) > 0)
		;
	if (err)
		return err;

	/* The address table at its smallest: 1024 slots, 1500 blocks. */
	if (tracer_unload() || tracer_load("addr_table_size=1024"))
		return fail("cannot reload with addr_table_size=1024");
	cap = read_long_file(SYSDIR "addr_capacity");
	worker = tt_spawn("kmalloc=1500:64,kfree=1500");
	if (worker <= 0 || tracer_add(worker) ||
	    kernel_calls_begin(worker, worker))
		err = fail("cannot start the worker");
	tt_go(worker);
	waits = tt_wait(worker);
	if (!err && kernel_calls_end(&worker, 1, &extra))
		err = -1;
	if (!err && expect_program("kmalloc=1500:64,kfree=1500", &want))
		err = -1;
	if (!err)
		kernel_calls_explain(0, 1, &want, &extra);
	overflows = read_long_file(SYSDIR "addr_overflows");
	entries = read_long_file(SYSDIR "addr_entries");
	if (!err && find_row(worker, &got) != 1)
		err = fail("no row");
	tt_stop(worker);
	if (tracer_unload() || tracer_load(""))
		return fail("cannot reload with defaults");
	if (err)
		return err;
	note("limits: ENOSPC at max_processes=5; %ld-slot address table: %ld of 1500 blocks overflowed",
	     cap, overflows);
	if (cap != 1024 || overflows < 1500 - 1024 || waits < 0)
		return fail("capacity %ld, overflows %ld", cap, overflows);
	/* Every recorded block is charged its size, overflowed ones 0. */
	if (got.v[C_KFREE] != 1500 + extra.v[C_KFREE] ||
	    got.v[C_KFREE_MEM] != 64ull * (1500 - overflows))
		return fail("kfree %llu, kfree_mem %llu, expected %llu and %llu",
			    got.v[C_KFREE], got.v[C_KFREE_MEM],
			    1500 + extra.v[C_KFREE], 64ull * (1500 - overflows));
	return entries < 0 || entries > cap ? fail("%ld entries", entries) : 0;
}

const struct test stress_tests[] = {
	{ "limits: table full is ENOSPC, address overflows counted", test_limits },
	{ "churn: adds/removes, readers and exact workers, 30 s", test_churn },
	{ "exit races: processes added, removed and exiting", test_exit_races },
	{ "rmmod/insmod under load, then exact", test_reload_under_load },
	{ NULL, NULL }
};

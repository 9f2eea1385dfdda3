// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulator experiment (tests/vm/mttcg-experiment): the same reload
 * under load, with three things that patch kernel text as they come and
 * go, to tell a bug of tracer from one of multi-threaded TCG.
 *
 *   mttcg-tracer   insmod tracer, add the workers (which arms its probes),
 *                  rmmod tracer
 *   mttcg-floor    insmod and rmmod the benchmark's floor module: the same
 *                  kretprobes, enabled at load, with empty handlers
 *   mttcg-tracefs  no probing module: kretprobes on the same functions
 *                  made, enabled, disabled and deleted through tracefs
 *
 * The load is the same in all three: four kernel threads of tracer_test.ko
 * (which probes nothing) in loops of kmalloc, kfree, mutexes, semaphores
 * and schedule().  These tests run only when tracer.only names them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "suite.h"

#define KPROBE_EVENTS TRACEFS "kprobe_events"
#define GROUP_ENABLE TRACEFS "events/mttcg/enable"
#define MAX_SYMBOLS 32

static char symbols[MAX_SYMBOLS][128];
static int nr_symbols;

/* The functions tracer probes on this kernel, from the kprobe core's list. */
static int read_symbols(void)
{
	char line[512], sym[128];
	FILE *f = fopen(KPROBES, "r");

	nr_symbols = 0;
	while (f && fgets(line, sizeof(line), f) && nr_symbols < MAX_SYMBOLS)
		if (sscanf(line, "%*s r %127[^+ ]", sym) == 1)
			strcpy(symbols[nr_symbols++], sym);
	if (f)
		fclose(f);
	return nr_symbols;
}

static int module_load(const char *path, const char *name, bool load)
{
	int fd, err;

	if (!load) {
		while ((err = syscall(SYS_delete_module, name, O_NONBLOCK) ?
			errno : 0) == EAGAIN || err == EBUSY)
			usleep(1000);
		return err;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	err = syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
	close(fd);
	return err;
}

static int tracefs_probes(bool on)
{
	char def[192];
	int i, err = 0;

	if (!on) {
		err = write_file(GROUP_ENABLE, "0");
		return err ? err : write_file_flags(KPROBE_EVENTS, "", O_TRUNC);
	}
	for (i = 0; i < nr_symbols && !err; i++) {
		snprintf(def, sizeof(def), "r:mttcg/p%d %.127s\n", i, symbols[i]);
		err = write_file_flags(KPROBE_EVENTS, def, O_APPEND);
	}
	return err ? err : write_file(GROUP_ENABLE, "1");
}

enum patcher { BY_TRACER, BY_FLOOR, BY_TRACEFS };

/* Put the patcher's probes in place (@on) or take them away. */
static int patch(enum patcher p, bool on, const pid_t *workers)
{
	int i, err;

	switch (p) {
	case BY_TRACER:
		if (!on)
			return module_load(NULL, "tracer", false);
		err = tracer_load("");
		for (i = 0; !err && i < 4; i++)
			err = tracer_add(workers[i]);
		return err;
	case BY_FLOOR:
		return module_load("/lib/tracer_floor.ko", "tracer_floor", on);
	default:
		return tracefs_probes(on);
	}
}

static int reload_under_load(enum patcher p)
{
	static const char *busy = "kmalloc=3000:40,kfree=3000,lock=3000,sched=300,updown=1000";
	int i, cycle, err = 0, n = scaled(100);
	pid_t workers[4];
	double t0 = now();

	if (read_symbols() <= 0)
		return fail("no tracer probes in " KPROBES);
	err = module_load(NULL, "tracer", false);
	if (err)
		return fail("rmmod tracer: %s", strerror(err));
	for (cycle = 0; cycle < n && !err; cycle++) {
		for (i = 0; i < 4; i++) {
			workers[i] = tt_spawn(busy);
			tt_go(workers[i]);
		}
		err = patch(p, true, workers);
		if (err)
			err = fail("cycle %d: in place: %s", cycle, strerror(err));
		else if ((err = patch(p, false, workers)))
			err = fail("cycle %d: away: %s", cycle, strerror(err));
		for (i = 0; i < 4; i++)
			tt_stop(workers[i]);
	}
	if (!err && (err = tracer_load("")))
		err = fail("insmod tracer: %s", strerror(err));
	if (!err)
		note("%d cycles of %d probes in place and away under load, %.0f s",
		     cycle, nr_symbols, now() - t0);
	return err;
}

static int test_tracer(void)
{
	return reload_under_load(BY_TRACER);
}

static int test_floor(void)
{
	return reload_under_load(BY_FLOOR);
}

static int test_tracefs(void)
{
	return reload_under_load(BY_TRACEFS);
}

const struct test experiment_tests[] = {
	{ "mttcg-tracer: insmod, add, rmmod tracer under load", test_tracer },
	{ "mttcg-floor: insmod, rmmod the floor module under load", test_floor },
	{ "mttcg-tracefs: tracefs kretprobes on, off under load", test_tracefs },
	{ NULL, NULL }
};

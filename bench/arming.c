// SPDX-License-Identifier: GPL-2.0-only
/* What arming and disarming tracer's probes cost. */
#include "bench.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DISARM_DELAY "/sys/module/tracer/parameters/disarm_delay_ms"

/* Wait until tracer's probes are disarmed; 0 when they are. */

static int write_str(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * What arming costs: an add that arms (ms), the disarm after the table
 * empties (from the remove to armed reading 0, with disarm_delay_ms 0),
 * and @cycles such arm/disarm cycles in a row.
 */
void arming(unsigned int cycles)
{
	double *arm = calloc(cycles, sizeof(*arm));
	double *disarm = calloc(cycles, sizeof(*disarm));
	double t0, t1, start;
	unsigned int i;
	bool ok = arm && disarm;

	if (!ok || enter_module(M_TRACER) || write_str(DISARM_DELAY, "0")) {
		check(false, "arming: tracer.ko with disarm_delay_ms=0");
		goto out;
	}
	start = now_ns();
	for (i = 0; i < cycles && ok; i++) {
		t0 = now_ns();
		ok = !tracer_dev_set(tracer_fd, 1, self_pid) &&
		     tracer_read_stat(S_armed) == 1;
		t1 = now_ns();
		ok = ok && !tracer_dev_set(tracer_fd, 0, self_pid);
		ok = ok && !wait_disarmed(60000);
		arm[i] = (t1 - t0) / 1e6;
		disarm[i] = (now_ns() - t1) / 1e6;
	}
	check(ok, "arming: %u arm/disarm cycles", cycles);
	if (ok) {
		printf("ARM cycles %u total_s %.1f arms %lld disarms %lld\n", cycles,
		       (now_ns() - start) / 1e9,
		       tracer_read_stat(S_arms),
		       tracer_read_stat(S_disarms));
		qsort(arm, cycles, sizeof(*arm), cmp_double);
		qsort(disarm, cycles, sizeof(*disarm), cmp_double);
		printf("ARM add_ms_median %.2f add_ms_p90 %.2f disarm_ms_median %.2f disarm_ms_p90 %.2f\n",
		       arm[cycles / 2], arm[cycles * 9 / 10],
		       disarm[cycles / 2], disarm[cycles * 9 / 10]);
	}
	leave_module(-1);
out:
	free(arm);
	free(disarm);
}

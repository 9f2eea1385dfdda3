// SPDX-License-Identifier: GPL-2.0-only
/* What tracer holds in kernel memory: loaded, armed, idle, full. */
#include "bench.h"

#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../harness/kmod/tracer_test.h"

/* Kernel memory that a module's allocations show up in, in bytes. */
static long long kernel_mem(void)
{
	char line[256], key[64];
	long long v, sum = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %lld", key, &v) != 2)
			continue;
		if (!strcmp(key, "SUnreclaim") || !strcmp(key, "VmallocUsed") ||
		    !strcmp(key, "Percpu"))
			sum += v * 1024;
	}
	fclose(f);
	return sum;
}

/* Settled memory: deferred frees (RCU, workers) done. */
static long long kernel_mem_settled(void)
{
	sync();
	sleep_ms(1500);
	return kernel_mem();
}

#define FILL_FILES 32

/*
 * Fill the table: blocks kept by a monitored (or not) process, through
 * FILL_FILES open files of tracer_test (each keeps TT_MAX_BLOCKS).
 */
static long long fill_blocks(int fds[FILL_FILES])
{
	struct tracer_test_run run;
	long long before = kernel_mem_settled();
	int i;

	snprintf(run.program, sizeof(run.program), "kmalloc=%d:64",
		 TT_MAX_BLOCKS);
	for (i = 0; i < FILL_FILES; i++) {
		fds[i] = open("/proc/tracer_test", O_RDWR);
		if (fds[i] < 0 || ioctl(fds[i], TRACER_TEST_RUN, &run))
			return -1;
	}
	return kernel_mem_settled() - before;
}

static void unfill_blocks(int fds[FILL_FILES])
{
	int i;

	for (i = 0; i < FILL_FILES; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

void memory(void)
{
	struct idle_set many = { 0 };
	long long m0, m1, d_plain, d_mon, loaded;
	int fds[FILL_FILES];

	m0 = kernel_mem_settled();
	if (load_module(floor_ko) == 0) {
		m1 = kernel_mem_settled();
		printf("MEM floor_at_load %lld\n", m1 - m0);
		unload_module("tracer_floor");
	}

	m0 = kernel_mem_settled();
	if (enter_module(M_TRACER)) {
		check(false, "memory: insmod tracer.ko");
		return;
	}
	loaded = kernel_mem_settled();
	printf("MEM tracer_at_load %lld\n", loaded - m0);
	printf("MEM tracer_coresize %ld\n",
	       read_long("/sys/module/tracer/coresize"));

	/* The first add arms: the address table comes with it. */
	tracer_set(&self_pid, 1, true);
	m1 = kernel_mem_settled();
	printf("MEM tracer_armed %lld\n", m1 - loaded);
	tracer_set(&self_pid, 1, false);
	/* Idle again: disarmed, the address table freed. */
	check(!wait_disarmed(60000), "memory: disarmed once nothing is monitored");
	printf("MEM tracer_idle %lld\n", kernel_mem_settled() - loaded);

	/* Armed throughout (this process monitored): only the PIDs count. */
	tracer_set(&self_pid, 1, true);
	if (idle_start(&many, NR_MEM_PIDS)) {
		check(false, "memory: start %d idle processes (%u started)",
		      NR_MEM_PIDS, many.nr);
	} else {
		m0 = kernel_mem_settled();
		if (tracer_set(many.pids, many.nr, true))
			check(false, "memory: add %d processes", NR_MEM_PIDS);
		m1 = kernel_mem_settled();
		printf("MEM tracer_10000_pids %lld\n", m1 - m0);
		printf("MEM processes_monitored %lld\n",
		       tracer_read_stat(S_processes) - 1);
		tracer_set(many.pids, many.nr, false);
	}
	idle_stop(&many);
	tracer_set(&self_pid, 1, false);

	/*
	 * The same blocks unmonitored (disarmed: no table), then monitored
	 * (armed: the table was made by the add, before the blocks): the
	 * difference is what filling the table costs.
	 */
	wait_disarmed(60000);
	d_plain = fill_blocks(fds);
	unfill_blocks(fds);
	tracer_set(&self_pid, 1, true);
	d_mon = fill_blocks(fds);
	printf("MEM addr_entries %lld\n", tracer_read_stat(S_addr_entries));
	printf("MEM addr_capacity %lld\n", tracer_read_stat(S_addr_capacity));
	printf("MEM addr_overflows %lld\n", tracer_read_stat(S_addr_overflows));
	printf("MEM tracer_table_full %lld\n", d_mon - d_plain);
	unfill_blocks(fds);
	tracer_set(&self_pid, 1, false);
	leave_module(-1);
}

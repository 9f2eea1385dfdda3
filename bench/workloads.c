// SPDX-License-Identifier: GPL-2.0-only
/* What is timed: kernel loops of tracer_test.ko and user-space work. */
#include "bench.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../harness/kmod/tracer_test.h"

int tt_fd = -1;

static int run_program(const char *fmt, unsigned int ops)
{
	struct tracer_test_run run;

	snprintf(run.program, sizeof(run.program), fmt, ops);
	return ioctl(tt_fd, TRACER_TEST_RUN, &run);
}

static int run_pipe(unsigned int ops)
{
	char c = 'x';

	while (ops--)
		if (write(ping_w, &c, 1) != 1 || read(pong_r, &c, 1) != 1)
			return -1;
	return 0;
}

static int run_files(unsigned int ops)
{
	static const char data[64] = "tracer benchmark";
	int fd;

	while (ops--) {
		fd = open("/tmp/bench.file", O_CREAT | O_WRONLY | O_TRUNC, 0600);
		if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data))
			return -1;
		close(fd);
		if (unlink("/tmp/bench.file"))
			return -1;
	}
	return 0;
}

static void *thread_fn(void *arg)
{
	return arg;
}

static int run_threads(unsigned int ops)
{
	pthread_t t;

	while (ops--)
		if (pthread_create(&t, NULL, thread_fn, NULL) ||
		    pthread_join(t, NULL))
			return -1;
	return 0;
}

/*
 * "recycle" frees the oldest block and allocates one in its place, so the
 * loop is kfree+kmalloc with one block held: the address table sees an
 * insert and a take per operation, as with real short-lived allocations.
 */
struct workload workloads[] = {
	{ "kmalloc+kfree", true, "kmalloc=1:64,recycle=%u:64,kfree=1", 20000,
	  { [T_KMALLOC] = 1, [T_KFREE] = 1, [T_KMALLOC_MEM] = 64,
	    [T_KFREE_MEM] = 64 }, NULL },
	{ "mutex_lock+unlock", true, "lock=%u", 20000,
	  { [T_LOCK] = 1, [T_UNLOCK] = 1 }, NULL },
	{ "down+up", true, "updown=%u", 20000,
	  { [T_DOWN] = 1, [T_UP] = 1 }, NULL },
	{ "schedule", true, "sched=%u", 20000, { [T_SCHED] = 1 }, NULL },
	{ "pipe-pingpong", false, NULL, 3000, { 0 }, run_pipe },
	{ "file-ops", false, NULL, 2000, { 0 }, run_files },
	{ "thread-create", false, NULL, 300, { 0 }, run_threads },
};
const unsigned int nr_workloads = sizeof(workloads) / sizeof(workloads[0]);

double scale = 1.0;

unsigned int ops_of(const struct workload *w)
{
	unsigned int ops = w->ops * scale;

	return ops ? ops : 1;
}

int run_workload(const struct workload *w, unsigned int ops)
{
	if (w->kernel)
		return run_program(w->program, ops);
	return w->run(ops);
}

void warm_up(void)
{
	unsigned int i;

	for (i = 0; i < nr_workloads; i++)
		run_workload(&workloads[i], ops_of(&workloads[i]) / 2 + 1);
}

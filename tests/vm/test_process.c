// SPDX-License-Identifier: GPL-2.0-only
/*
 * User-space processes: exit, PID reuse, threads counted under their
 * process, unmonitored processes, and stale sizes never charged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suite.h"
#include "../../src/uapi/tracer.h"

static int test_exit_removes_row(void)
{
	int w, status, err;
	pid_t child = sleeper(&w);

	if ((err = tracer_add(child)))
		return fail("add: %s", strerror(err));
	close(w);	/* it exits; do not reap it yet */
	if (wait_row_gone(child, 3000))
		return fail("row of an exited (zombie) process stays");
	waitpid(child, &status, 0);
	return 0;
}

struct successor {
	pid_t old;
	int fd;
};

/* Only the child that lands on the dead one's PID does real work. */
static int successor(void *arg)
{
	const struct successor *s = arg;

	if (syscall(SYS_getpid) != s->old)
		return 0;
	return tt_run(s->fd, "kmalloc=20:64,kfree=20,lock=5") ? 1 : 0;
}

/* A new process on a dead one's PID is not monitored. */
static int test_pid_reuse(void)
{
	static char stack[65536];
	struct successor succ;
	long pid_max = read_long_file("/proc/sys/kernel/pid_max");
	int w, err, tries, fd = tt_open_run();
	pid_t old, pid = 0;
	char buf[24];

	if (fd < 0)
		return fail("open /proc/tracer_test");
	/*
	 * A small PID space comes round in about a thousand forks.  PIDs
	 * below 300 are never handed out again once the counter wraps, so
	 * the victim must sit above them.
	 */
	write_file("/proc/sys/kernel/pid_max", "1024");
	do {
		old = sleeper(&w);
		if (old <= 300)
			end_sleeper(old, w);
	} while (old > 0 && old <= 300);
	if ((err = tracer_add(old)))
		return fail("add: %s", strerror(err));
	end_sleeper(old, w);
	if (wait_row_gone(old, 3000))
		return fail("row of exited process stays");

	succ.old = old;
	succ.fd = fd;
	for (tries = 0; tries < 5000 && pid != old && pid >= 0; tries++) {
		pid = light_child(successor, &succ, stack, sizeof(stack));
		waitpid(pid, NULL, 0);
	}
	snprintf(buf, sizeof(buf), "%ld", pid_max);
	write_file("/proc/sys/kernel/pid_max", buf);
	close(fd);
	if (pid != old)
		return fail("PID %d did not come round in %d forks", old, tries);
	note("PID %d reused after %d forks", old, tries);
	return find_row(old, NULL) ? fail("the successor on PID %d has a row",
					  old) : 0;
}

/*
 * Four threads of one process each run a known program in their own
 * context; the process's row holds their sum.  Synchronisation uses
 * process-shared barriers (futexes), which take no mutex or semaphore and
 * allocate nothing, so every column but sched is exact.
 */
struct shared_sync {
	pthread_barrier_t ready, start, done, leave;
};

#define NR_THREADS 4
#define NR_IDS (NR_THREADS + 4)

static void thread_program(int i, char *buf, size_t len)
{
	snprintf(buf, len, "kmalloc=%d:%d,kfree=%d,updown=%d,lock=%d,sched=%d",
		 5 + i, 100 + i, 2 + i, i + 1, 2 * i + 1, i + 2);
}

static struct shared_sync *sync_mem;

/* Wait (at most 10 s) until the @n tasks of process @pid all sleep. */
static void wait_all_asleep(pid_t pid, int n)
{
	char path[64], line[256];
	int tries, tid, asleep;
	FILE *f;

	for (tries = 0; tries < 1000; tries++, usleep(10000)) {
		asleep = 0;
		for (tid = pid; tid < pid + NR_IDS; tid++) {
			snprintf(path, sizeof(path), "/proc/%d/task/%d/stat",
				 pid, tid);
			f = fopen(path, "re");
			if (!f)
				continue;
			/* The state follows the ")" that ends the comm. */
			if (fgets(line, sizeof(line), f) && strrchr(line, ')') &&
			    strrchr(line, ')')[2] == 'S')
				asleep++;
			fclose(f);
		}
		if (asleep == n)
			return;
	}
}

static void *worker_thread(void *arg)
{
	int i = (int)(long)arg, fd = tt_open_run(), err;
	char prog[160];

	thread_program(i, prog, sizeof(prog));
	pthread_barrier_wait(&sync_mem->ready);
	pthread_barrier_wait(&sync_mem->start);
	err = tt_run(fd, prog);
	pthread_barrier_wait(&sync_mem->done);
	pthread_barrier_wait(&sync_mem->leave);
	close(fd);
	return (void *)(long)err;
}

static int test_threads_counted_under_leader(void)
{
	pthread_barrierattr_t attr;
	struct counts before, after, want, one, extra[NR_IDS];
	pthread_t threads[NR_THREADS];
	pid_t ids[NR_IDS];
	char prog[160];
	pid_t child;
	int i, status, err;

	sync_mem = mmap(NULL, sizeof(*sync_mem), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_barrierattr_init(&attr);
	pthread_barrierattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(&sync_mem->ready, &attr, NR_THREADS + 1);
	pthread_barrier_init(&sync_mem->start, &attr, NR_THREADS + 1);
	pthread_barrier_init(&sync_mem->done, &attr, NR_THREADS + 1);
	pthread_barrier_init(&sync_mem->leave, &attr, NR_THREADS + 1);

	child = fork();
	if (child == 0) {
		long bad = 0;
		void *ret;

		for (i = 0; i < NR_THREADS; i++)
			pthread_create(&threads[i], NULL, worker_thread,
				       (void *)(long)i);
		for (i = 0; i < NR_THREADS; i++) {
			pthread_join(threads[i], &ret);
			bad |= (long)ret;
		}
		_exit(bad ? 1 : 0);
	}
	err = tracer_add(child);
	pthread_barrier_wait(&sync_mem->ready);
	if (find_row(child, &before) != 1)
		memset(&before, 0, sizeof(before));
	/* The threads' IDs follow the process's: no other process runs. */
	for (i = 0; i < NR_IDS; i++)
		ids[i] = child + i;
	if (!err && kernel_calls_begin(ids[0], ids[NR_IDS - 1]))
		err = EIO;
	pthread_barrier_wait(&sync_mem->start);
	pthread_barrier_wait(&sync_mem->done);
	/*
	 * The row and the trace must cover the same calls: read both once
	 * every thread sleeps (in the "leave" barrier), not while one may
	 * still be on its way there.
	 */
	wait_all_asleep(child, NR_THREADS + 1);
	i = find_row(child, &after);
	if (!err && kernel_calls_end(ids, NR_IDS, extra))
		err = EIO;
	pthread_barrier_wait(&sync_mem->leave);
	waitpid(child, &status, 0);
	munmap(sync_mem, sizeof(*sync_mem));
	if (err)
		return fail("add: %s", strerror(err));
	if (i != 1)
		return fail("no row for the process");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return fail("a thread's run failed");

	memset(&want, 0, sizeof(want));
	for (i = 0; i < NR_THREADS; i++) {
		thread_program(i, prog, sizeof(prog));
		expect_program(prog, &one);
		for (int c = 0; c < NR_COLS; c++)
			want.v[c] += one.v[c];
	}
	/* The threads' programs are told apart by no ID: explain them whole. */
	kernel_calls_explain(0, NR_IDS, &want, &extra[0]);
	for (i = 0; i < NR_IDS; i++)
		for (int c = 0; c < NR_COLS; c++)
			want.v[c] += extra[i].v[c];
	for (i = 0; i < NR_COLS; i++)
		after.v[i] -= before.v[i];
	if (after.v[C_SCHED] < want.v[C_SCHED])
		return fail("sched %llu below the %llu the programs made",
			    after.v[C_SCHED], want.v[C_SCHED]);
	return compare_counts("process of 4 threads", &after, &want,
			      1u << C_SCHED);
}

static int test_unmonitored_never_shows(void)
{
	int fd = tt_open_run(), status;
	pid_t child;

	child = fork();
	if (child == 0)
		_exit(tt_run(fd, "kmalloc=50:32,kfree=50,lock=20,sched=5"));
	waitpid(child, &status, 0);
	close(fd);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return fail("the unmonitored child's run failed");
	return find_row(child, NULL) ? fail("an unmonitored process has a row")
				     : 0;
}

/* KASAN's quarantine delays reuse, so slab never hands an address back. */
static int kernel_has_kasan(void)
{
	return !system("dmesg | grep -q KernelAddressSanitizer");
}

/*
 * The unmonitored side of no_stale_size(): free the child's 40 blocks
 * through @path and allocate 40 others; @reused says how many got one of
 * the freed addresses.  A path other than kfree() must drop the blocks'
 * 40 address entries: at once, or for kfree_rcu() when the kernel frees
 * them (its batches wait 5 s and a grace period).
 */
static int give_back(int fd, const char *path, long *reused)
{
	char prog[32], reply[32] = "";
	long first, left = 0;
	double start;
	int err;

	if (!strcmp(path, "kfree")) {
		err = tt_run(fd, "recycle=40:200");
	} else {
		first = read_long_file(SYSDIR "addr_entries");
		snprintf(prog, sizeof(prog), "free_%s=40", path);
		err = tt_run(fd, prog);
		for (start = now(); !err && now() - start < 120; usleep(100000)) {
			left = read_long_file(SYSDIR "addr_entries") - (first - 40);
			if (left <= 0)
				break;
		}
		if (left > 0)
			return fail("%s: %ld of the 40 address entries still there after 120 s",
				    path, left);
		if (!err)
			err = tt_run(fd, "come_back=40:200");
	}
	if (err || pread(fd, reply, sizeof(reply) - 1, 0) <= 0)
		return fail("%s: %s", path, strerror(err));
	*reused = strtol(reply, NULL, 10);
	return 0;
}

/*
 * A stale size is never reused: a monitored process allocates blocks (the
 * table records their sizes), an unmonitored process sharing its open file
 * frees them (through @path: kfree() or a path that does not call it) and
 * allocates others (slab gives the same addresses back on one CPU), and
 * the monitored process frees those: it must be charged 0 bytes, since
 * their allocation was not seen.
 */
static int no_stale_size(const char *path)
{
	int fd = tt_open_run(), go[2], ready[2], status, err;
	struct counts before, after, extra, want = { { 0 } };
	cpu_set_t cpu0;
	char c, prog[32];
	long reused = 0;
	pid_t child;

	/* Does this kernel have the path?  A run of 0 blocks says. */
	snprintf(prog, sizeof(prog), "free_%s=0", path);
	if (fd >= 0 && strcmp(path, "kfree") && tt_run(fd, prog) == EOPNOTSUPP) {
		close(fd);
		return skip("this kernel has no kfree_%s()", path);
	}
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (fd < 0 || pipe(go) || pipe(ready) ||
	    sched_setaffinity(0, sizeof(cpu0), &cpu0))
		return fail("setup: %s", strerror(errno));
	child = fork();
	if (child == 0) {
		/* Its start (fork's return, the close) before it is monitored. */
		close(go[1]);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		if (read(go[0], &c, 1) != 1 || tt_run(fd, "kmalloc=40:200"))
			_exit(1);
		if (read(go[0], &c, 1) != 1 || tt_run(fd, "kfree=40"))
			_exit(1);
		while (read(go[0], &c, 1) > 0)	/* until the reading is done */
			;
		_exit(0);
	}
	close(ready[1]);
	err = read(ready[0], &c, 1) == 1 ? tracer_add(child) : EIO;
	close(ready[0]);
	if (!err && find_row(child, &before) != 1)
		err = ENOENT;
	if (!err && kernel_calls_begin(child, child))
		err = EIO;
	if (err || write(go[1], "a", 1) != 1)
		return fail("add: %s", strerror(err));
	close(go[0]);
	usleep(300000);		/* the child allocates */
	if (give_back(fd, path, &reused))
		err = -1;
	else if (write(go[1], "f", 1) != 1)
		err = -1;
	else
		usleep(300000);		/* the child frees */
	if (!err && find_row(child, &after) != 1)
		err = -1;
	if (kernel_calls_end(&child, 1, &extra))
		err = -1;
	close(go[1]);
	waitpid(child, &status, 0);
	close(fd);
	if (err || !WIFEXITED(status) || WEXITSTATUS(status))
		return fail_reason[0] ? -1 : fail("the child's runs failed");
	if (reused < 1 && kernel_has_kasan())
		return skip("KASAN quarantines freed blocks: no address comes back");
	/* kfree_rcu() on 7.x may keep them in a sheaf a while: dropped is enough. */
	if (reused < 1 && strcmp(path, "rcu"))
		return fail("no address came back: the test proves nothing");
	note("stale sizes (%s): 40 entries dropped, %ld of 40 addresses reused by an unmonitored process",
	     path, reused);
	want.v[C_KMALLOC] = 40;
	want.v[C_KMALLOC_MEM] = 40 * 200;
	want.v[C_KFREE] = 40;
	kernel_calls_explain(0, 1, &want, &extra);
	for (int i = 0; i < NR_COLS; i++) {
		want.v[i] += extra.v[i];
		after.v[i] -= before.v[i];
	}
	/* Pipe reads and exits may schedule and lock: those are not checked. */
	return compare_counts("monitored frees of recycled blocks", &after,
			      &want, 1u << C_SCHED | 1u << C_LOCK |
			      1u << C_UNLOCK | 1u << C_UP | 1u << C_DOWN);
}

static int test_no_stale_size(void)
{
	return no_stale_size("kfree");
}

/* kfree_bulk() (kfree_rcu()'s batches end in it) does not call kfree(). */
static int test_no_stale_size_bulk(void)
{
	return no_stale_size("bulk");
}

/* kfree_rcu(): kfree_bulk() or kfree() later, or on 7.x a slab sheaf. */
static int test_no_stale_size_rcu(void)
{
	return no_stale_size("rcu");
}

/*
 * kfree_nolock() (6.18+).  kmemleak does not see a kmalloc() block freed
 * this way (kfree_nolock() is meant for kmalloc_nolock()'s) and would then
 * report its address when it comes back: not on the debug kernels.
 */
static int test_no_stale_size_nolock(void)
{
	if (!access("/sys/kernel/debug/kmemleak", F_OK))
		return skip("kmemleak would see the kfree_nolock() of a kmalloc() block as a leak");
	return no_stale_size("nolock");
}

const struct test process_tests[] = {
	{ "exit removes the row, before the parent reaps", test_exit_removes_row },
	{ "PID reuse: the successor is not monitored", test_pid_reuse },
	{ "4 threads counted under the leader's PID", test_threads_counted_under_leader },
	{ "an unmonitored process never shows up", test_unmonitored_never_shows },
	{ "kfree never charges a stale size", test_no_stale_size },
	{ "no stale size after kfree_bulk()", test_no_stale_size_bulk },
	{ "no stale size after kfree_rcu()", test_no_stale_size_rcu },
	{ "no stale size after kfree_nolock()", test_no_stale_size_nolock },
	{ NULL, NULL }
};

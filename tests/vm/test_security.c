// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who may do what, and hostile input: real unprivileged uids, the ptrace
 * rule, what /proc/tracer shows them, an ioctl fuzzer and odd reads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suite.h"
#include "../../src/uapi/tracer.h"

#define TRACER_GID 123	/* stands for group "tracer" of the udev rule */
#define USER 2000
#define OTHER_USER 2001

/* sleeper_as(), then time for the child to drop its privileges. */
static pid_t sleeper_user(uid_t uid, int dumpable, int *fd_w)
{
	pid_t pid = sleeper_as(uid, dumpable, fd_w);

	usleep(100000);
	return pid;
}

/*
 * Drop to @uid as a login would: a process that changed its ids is not
 * dumpable until it execs, so set the flag an exec would set.
 */
static int become(uid_t uid, int in_group)
{
	gid_t groups[1] = { TRACER_GID };

	return setgroups(in_group, groups) || setgid(uid) || setuid(uid) ||
	       prctl(PR_SET_DUMPABLE, 1);
}

/* Runs as an unprivileged member of the tracer group; returns a message. */
static const char *member_checks(pid_t root_proc, pid_t other_user,
				 pid_t undumpable)
{
	static char msg[256];
	int w, err, fd;
	pid_t own;

	fd = open("/dev/tracer", O_RDONLY);
	if (fd < 0)
		return "a member cannot open /dev/tracer";
	close(fd);
	own = sleeper_user(USER, 1, &w);
	if ((err = tracer_add(own)))
		return snprintf(msg, sizeof(msg), "member adding its own process: %s",
				strerror(err)), msg;
	if (find_row(own, NULL) != 1)
		return "a member does not see its own row";
	if (find_row(root_proc, NULL) != 0)
		return "a member sees a root process's row";
	if ((err = tracer_remove(own)))
		return "member removing its own process failed";
	close(w);
	waitpid(own, NULL, 0);
	if (tracer_add(1) != EPERM)
		return "a member could add PID 1 (root's)";
	if (tracer_add(2) != EPERM)
		return "a member could add kthreadd (a kernel thread)";
	if (tracer_add(other_user) != EPERM)
		return "a member could add another user's process";
	if (tracer_add(undumpable) != EPERM)
		return "a member could add its own non-dumpable process";
	if (tracer_remove(root_proc) != EPERM)
		return "a member could remove root's monitored process";
	return NULL;
}

static int test_permissions(void)
{
	int msg[2], w_root, w_other, w_undump, status, err;
	pid_t root_proc, other, undump, child;
	char buf[256] = "";
	ssize_t n;

	if (chown("/dev/tracer", 0, TRACER_GID) || chmod("/dev/tracer", 0660))
		return fail("chown /dev/tracer: %s", strerror(errno));
	root_proc = sleeper_user(0, 1, &w_root);
	other = sleeper_user(OTHER_USER, 1, &w_other);
	undump = sleeper_user(USER, 0, &w_undump);
	if ((err = tracer_add(root_proc)))
		return fail("root add: %s", strerror(err));
	if (pipe(msg))
		return fail("pipe");

	/* Outside the group: the device does not open. */
	child = fork();
	if (child == 0) {
		if (become(USER, 0))
			_exit(2);
		_exit(open("/dev/tracer", O_RDONLY) < 0 && errno == EACCES ? 0 : 1);
	}
	waitpid(child, &status, 0);
	err = !WIFEXITED(status) || WEXITSTATUS(status);

	if (!err) {
		child = fork();
		if (child == 0) {
			const char *why;

			close(msg[0]);
			why = become(USER, 1) ? "cannot drop privileges" :
			      member_checks(root_proc, other, undump);
			if (why && write(msg[1], why, strlen(why)) < 0)
				_exit(3);
			_exit(why ? 1 : 0);
		}
		close(msg[1]);
		n = read(msg[0], buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		waitpid(child, &status, 0);
	}
	close(msg[0]);
	tracer_remove(root_proc);
	close(w_root);
	close(w_other);
	close(w_undump);
	while (wait(NULL) > 0)
		;
	chown("/dev/tracer", 0, 0);
	chmod("/dev/tracer", 0600);
	if (err)
		return fail("a user outside group tracer could open /dev/tracer (not EACCES)");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return fail("%s", *buf ? buf : "the member's checks crashed");
	return 0;
}

/* ---- an ioctl fuzzer: every call succeeds or gets a defined errno ---- */

#define FUZZ_THREADS 4
#define FUZZ_CALLS 25000

struct fuzz {
	unsigned int seed;
	pid_t dead, kthread;
	long calls, ok, bad;
	int bad_errno;
	unsigned long bad_req;
};

static unsigned int rnd(unsigned int *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void *fuzz_thread(void *arg)
{
	struct fuzz *f = arg;
	int fd = open("/dev/tracer", O_RDWR), i;

	for (i = 0; i < FUZZ_CALLS; i++) {
		unsigned int r = rnd(&f->seed);
		unsigned long req;
		long pid;

		switch (r % 4) {
		case 0: req = TRACER_ADD_PROCESS; break;
		case 1: req = TRACER_REMOVE_PROCESS; break;
		case 2: req = rnd(&f->seed); break;
		default: req = _IOC(r >> 8 & 3, r >> 10 & 0xff, 42 + (r >> 18 & 1),
				    r >> 19 & 0x3fff); break;
		}
		switch (r >> 24 & 7) {
		case 0: pid = (int)rnd(&f->seed); break;
		case 1: pid = -(long)(rnd(&f->seed) % 1000); break;
		case 2: pid = 0; break;
		case 3: pid = f->kthread; break;
		case 4: pid = getpid(); break;
		case 5: pid = f->dead; break;
		case 6: pid = syscall(SYS_gettid); break;
		default: pid = (long)rnd(&f->seed) << 32 | rnd(&f->seed); break;
		}
		f->calls++;
		if (ioctl(fd, req, pid) == 0) {
			f->ok++;
			continue;
		}
		switch (errno) {
		case EINVAL: case ESRCH: case EEXIST: case ENOENT: case ENOSPC:
		case EPERM: case ENOTTY:
			break;
		default:
			f->bad++;
			f->bad_errno = errno;
			f->bad_req = req;
		}
	}
	close(fd);
	return NULL;
}

static int test_ioctl_fuzz(void)
{
	struct fuzz f[FUZZ_THREADS];
	pthread_t t[FUZZ_THREADS];
	long calls = 0, ok = 0;
	pid_t dead = fork();
	int i;

	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	for (i = 0; i < FUZZ_THREADS; i++) {
		f[i] = (struct fuzz){ .seed = 0x9e3779b9u * (i + 1), .dead = dead,
				      .kthread = 2 };
		pthread_create(&t[i], NULL, fuzz_thread, &f[i]);
	}
	for (i = 0; i < FUZZ_THREADS; i++)
		pthread_join(t[i], NULL);
	/* Whatever the fuzzer added (init, kthreadd, itself) goes again. */
	tracer_remove(1);
	tracer_remove(2);
	tracer_remove(getpid());
	for (i = 0; i < FUZZ_THREADS; i++) {
		calls += f[i].calls;
		ok += f[i].ok;
		if (f[i].bad)
			return fail("request %#lx: undefined errno %d (%s)",
				    f[i].bad_req, f[i].bad_errno,
				    strerror(f[i].bad_errno));
	}
	note("ioctl fuzz: %ld calls from %d threads, %ld succeeded", calls,
	     FUZZ_THREADS, ok);
	if (read_long_file("/sys/class/misc/tracer/processes") != 0)
		return fail("the fuzzer left processes in the table");
	return 0;
}

/* ---- reads of odd sizes give the same text as one big read ---- */

static size_t read_all(int chunk, char *buf, size_t size, off_t start)
{
	int fd = open("/proc/tracer", O_RDONLY);
	size_t len = 0;
	ssize_t n;

	if (start)
		lseek(fd, start, SEEK_SET);
	while (len < size && (n = read(fd, buf + len, chunk)) > 0)
		len += n;
	close(fd);
	return len;
}

static char whole[1 << 20];
static size_t whole_len;
static volatile int truncating_stop;

/*
 * Reads a few bytes at a random offset and closes, again and again, while
 * the test's own reads run: what it gets must be the same text too.
 */
static void *truncating_reader(void *arg)
{
	long *reads = arg, bad = 0;
	unsigned int seed = 7;
	char buf[512];

	while (!truncating_stop) {
		int fd = open("/proc/tracer", O_RDONLY);
		size_t at = rand_r(&seed) % whole_len;
		ssize_t n;

		if (fd < 0) {
			bad++;
			continue;
		}
		if (rand_r(&seed) & 1)
			lseek(fd, at, SEEK_SET);
		else
			at = 0;
		n = read(fd, buf, 1 + rand_r(&seed) % sizeof(buf));
		if (n <= 0 || (size_t)n > whole_len - at ||
		    memcmp(buf, whole + at, n))
			bad++;
		close(fd);
		++*reads;
	}
	return bad ? (void *)bad : NULL;
}

static int test_odd_reads(void)
{
	static char part[1 << 20];
	long truncated = 0;
	pthread_t t;
	void *bad;
	int w[300], i, err = 0, chunks[] = { 1, 7, 100, 4095, 65536 };
	pid_t pids[300];
	size_t len, l;

	/* 300 rows: more than a page of text, so seq_file restarts walks. */
	for (i = 0; i < 300; i++) {
		int p[2];
		char c;

		if (pipe(p))
			return fail("pipe");
		pids[i] = fork();
		if (pids[i] == 0) {
			close(p[1]);
			while (read(p[0], &c, 1) > 0)
				;
			_exit(0);
		}
		close(p[0]);
		w[i] = p[1];
		tracer_add(pids[i]);
	}
	sleep(1);	/* all asleep in read(): the text stays the same */
	len = whole_len = read_all(sizeof(whole), whole, sizeof(whole), 0);
	if (len < 300 * 20)
		err = fail("only %zu bytes for 300 rows", len);
	truncating_stop = err;
	pthread_create(&t, NULL, truncating_reader, &truncated);
	for (i = 0; i < 5 && !err; i++) {
		l = read_all(chunks[i], part, sizeof(part), 0);
		if (l != len || memcmp(whole, part, len))
			err = fail("%d-byte reads differ from one read", chunks[i]);
	}
	l = read_all(4096, part, sizeof(part), len / 2);
	if (!err && (l != len - len / 2 || memcmp(whole + len / 2, part, l)))
		err = fail("a read after lseek to %zu differs", len / 2);
	truncating_stop = 1;
	pthread_join(t, &bad);
	if (!err && bad)
		err = fail("%ld of %ld short reads by a concurrent reader differ",
			   (long)bad, truncated);
	l = read_all(sizeof(part), part, sizeof(part), 0);
	if (err && (l != len || memcmp(whole, part, len)))
		err = fail("inconclusive: the table changed during the test");
	for (i = 0; i < 300; i++) {
		tracer_remove(pids[i]);
		close(w[i]);
	}
	while (wait(NULL) > 0)
		;
	if (!err)
		note("odd reads: %zu bytes, %d rows, chunks 1 to 65536 and a seek; %ld short reads alongside",
		     len, 300, truncated);
	return err;
}

const struct test security_tests[] = {
	{ "permissions: group, ptrace rule, kernel threads, visibility", test_permissions },
	{ "ioctl fuzzer: 100000 calls from 4 threads", test_ioctl_fuzz },
	{ "odd-sized, seeking and truncated reads of /proc/tracer", test_odd_reads },
	{ NULL, NULL }
};

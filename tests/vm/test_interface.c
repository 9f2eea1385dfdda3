// SPDX-License-Identifier: GPL-2.0-only
/*
 * The interface itself: the device node, the /proc/tracer header, the
 * error codes of the ioctls, and 32-bit callers through compat_ioctl.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suite.h"
#include "../../src/uapi/tracer.h"

static int test_device_node(void)
{
	struct stat st;

	if (stat("/dev/tracer", &st))
		return fail("stat /dev/tracer: %s", strerror(errno));
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 10 ||
	    minor(st.st_rdev) != 42)
		return fail("/dev/tracer is not char 10:42 (%u:%u)",
			    major(st.st_rdev), minor(st.st_rdev));
	if (stat("/proc/tracer", &st) || (st.st_mode & 0777) != 0444)
		return fail("/proc/tracer is not 0444");
	return 0;
}

/*
 * The header is "PID" and the names of src/uapi/tracer_counters.h, and it
 * starts with the ten fields that existing programs read.
 */
static int test_header(void)
{
	static const char fixed[] =
		"PID kmalloc kfree kmalloc_mem kfree_mem sched up down lock unlock";
	FILE *f = fopen("/proc/tracer", "re");
	char line[512], want[512] = "PID", norm[512] = "", *tok, *save;
	size_t n = strlen(fixed);
	int i;

	if (!f || !fgets(line, sizeof(line), f))
		return fail("cannot read /proc/tracer");
	fclose(f);
	for (tok = strtok_r(line, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		if (*norm)
			strcat(norm, " ");
		strcat(norm, tok);
	}
	for (i = 0; i < NR_COLS; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 " %s", col_names[i]);
	if (strcmp(norm, want))
		return fail("header is '%s', the counter list says '%s'",
			    norm, want);
	if (strncmp(norm, fixed, n) || (norm[n] && norm[n] != ' '))
		return fail("header '%s' does not start with '%s'", norm, fixed);
	return 0;
}

static void *park(void *arg)
{
	pid_t *tid = arg;

	*tid = syscall(SYS_gettid);
	pause();
	return NULL;
}

static int test_errors(void)
{
	pid_t child, dead, zombie, tid = 0;
	pthread_t thread;
	int w, err;

	if (tracer_add(0) != EINVAL || tracer_add(-1) != EINVAL ||
	    tracer_remove(0) != EINVAL)
		return fail("pid <= 0 is not EINVAL");

	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	if ((err = tracer_add(dead)) != ESRCH)
		return fail("add of a reaped pid: %s, not ESRCH", strerror(err));
	if ((err = tracer_remove(dead)) != ENOENT)
		return fail("remove of a reaped pid: %s, not ENOENT",
			    strerror(err));

	zombie = fork();
	if (zombie == 0)
		_exit(0);
	usleep(200000);		/* exited, not reaped */
	err = tracer_add(zombie);
	waitpid(zombie, NULL, 0);
	if (err != ESRCH)
		return fail("add of a zombie: %s, not ESRCH", strerror(err));

	child = sleeper(&w);
	if ((err = tracer_add(child)))
		return fail("add: %s", strerror(err));
	if ((err = tracer_add(child)) != EEXIST)
		return fail("second add: %s, not EEXIST", strerror(err));
	if (find_row(child, NULL) != 1)
		return fail("no row after add");
	if ((err = tracer_remove(child)))
		return fail("remove: %s", strerror(err));
	if (find_row(child, NULL) != 0)
		return fail("row still there when remove returned");
	if ((err = tracer_remove(child)) != ENOENT)
		return fail("second remove: %s, not ENOENT", strerror(err));
	end_sleeper(child, w);

	if ((err = tracer_ioctl_raw(_IO('t', 1), 0)) != ENOTTY)
		return fail("unknown request: %s, not ENOTTY", strerror(err));
	if ((err = tracer_ioctl_raw(_IOW(_IOC_WRITE, 42, long), getpid())) !=
	    ENOTTY)
		return fail("request with a wrong size: %s, not ENOTTY",
			    strerror(err));

	pthread_create(&thread, NULL, park, &tid);
	while (!__atomic_load_n(&tid, __ATOMIC_ACQUIRE))
		usleep(1000);
	err = tracer_add(tid);
	w = tracer_remove(tid);
	pthread_cancel(thread);
	pthread_join(thread, NULL);
	if (err != EINVAL)
		return fail("add of a non-leader thread: %s, not EINVAL",
			    strerror(err));
	if (w != ENOENT)
		return fail("remove of a non-leader thread: %s, not ENOENT",
			    strerror(w));
	return 0;
}

/* A 32-bit program drives the same requests through compat_ioctl. */
static int run_compat(const char *verb, pid_t pid)
{
	char cmd[64];
	int status;

	snprintf(cmd, sizeof(cmd), "/bin/compat32 %s %d", verb, pid);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int test_compat_ioctl(void)
{
	int w, err;
	pid_t child;

	if (access("/bin/compat32", X_OK))
		return fail("no /bin/compat32");
	child = sleeper(&w);
	err = run_compat("add", child);
	/* The shell's "cannot execute": a CPU without a 32-bit mode. */
	if (err == 126 || err == 127) {
		end_sleeper(child, w);
		return skip("this machine does not run 32-bit programs");
	}
	if (err)
		return fail("32-bit add: %s", strerror(err));
	if (find_row(child, NULL) != 1)
		return fail("no row after a 32-bit add");
	if ((err = run_compat("add", child)) != EEXIST)
		return fail("32-bit second add: %s", strerror(err));
	if ((err = run_compat("remove", child)))
		return fail("32-bit remove: %s", strerror(err));
	if (find_row(child, NULL) != 0)
		return fail("row stays after a 32-bit remove");
	if ((err = run_compat("remove", child)) != ENOENT)
		return fail("32-bit second remove: %s", strerror(err));
	if ((err = run_compat("add", -5)) != EINVAL)
		return fail("32-bit add of -5: %s", strerror(err));
	end_sleeper(child, w);
	return 0;
}

const struct test interface_tests[] = {
	{ "/dev/tracer is 10:42, /proc/tracer is 0444", test_device_node },
	{ "/proc/tracer header", test_header },
	{ "errors: EINVAL ESRCH EEXIST ENOENT ENOTTY", test_errors },
	{ "32-bit callers through compat_ioctl", test_compat_ioctl },
	{ NULL, NULL }
};

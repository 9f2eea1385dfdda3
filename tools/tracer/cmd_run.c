// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracer run [--json] [-o FILE] -- CMD [ARGS...]
 *
 * CMD must be monitored before its first instruction and its counters read
 * after its last one, but a process's row leaves /proc/tracer the moment
 * its last thread exits.  ptrace gives both points:
 *
 *  - the child stops itself with SIGSTOP before execvp(): the parent adds
 *    its PID through /dev/tracer while it is stopped, seizes it
 *    (PTRACE_SEIZE) and sends SIGCONT, so the exec and everything after it
 *    are counted;
 *  - with PTRACE_O_TRACEEXIT every thread stops at the start of do_exit(),
 *    before the kernel drops the row (that happens at the sched_process_exit
 *    tracepoint, later in do_exit()).  The parent reads the row at each
 *    thread's exit stop; the last reading, at the exit stop of the last
 *    live thread, holds the final counters of all the threads.
 *
 * PTRACE_O_TRACECLONE follows the threads CMD creates (a clone() that makes
 * a new process is detached at its first stop: tracer counts CMD's process
 * only, the processes it forks are not counted).  PTRACE_O_TRACEEXEC
 * replaces the legacy SIGTRAP after execve().  PTRACE_O_EXITKILL kills CMD
 * if tracer dies.  Signals CMD receives are passed on unchanged.
 *
 * Job control works as without tracer, which is why the tracee is seized
 * rather than attached with PTRACE_TRACEME: a seized tracee's group-stop
 * (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) is left in place with PTRACE_LISTEN,
 * so CMD stays stopped until a SIGCONT, from whoever sends it, resumes it.
 * On Ctrl-Z the terminal stops tracer's process group: tracer itself
 * catches SIGTSTP (and SIGTTIN, SIGTTOU) and stops only once CMD has
 * stopped, because a tracer stopped first could not pass the stop signal
 * on, and the SIGCONT of "fg" would then overtake it and leave CMD stopped.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer.h"

struct thread {
	pid_t tid;
	int started;		/* its first stop (after the clone) was seen */
	int group_stopped;	/* in a group-stop, under PTRACE_LISTEN */
};

static struct thread *threads;
static size_t nr_threads, cap_threads;
static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t stop_requested;

static struct thread *thread_find(pid_t tid)
{
	size_t i;

	for (i = 0; i < nr_threads; i++)
		if (threads[i].tid == tid)
			return &threads[i];
	return NULL;
}

static struct thread *thread_add(pid_t tid)
{
	struct thread *t = thread_find(tid);

	if (t)
		return t;
	if (nr_threads == cap_threads) {
		size_t cap = cap_threads ? cap_threads * 2 : 16;
		struct thread *nt = realloc(threads, cap * sizeof(*nt));

		if (!nt) {
			errmsg("out of memory");
			exit(1);
		}
		threads = nt;
		cap_threads = cap;
	}
	t = &threads[nr_threads++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	return t;
}

static void thread_del(pid_t tid)
{
	struct thread *t = thread_find(tid);

	if (t)
		*t = threads[--nr_threads];
}

/* The thread group of @tid, from /proc/TID/status; -1 if unknown. */
static pid_t tgid_of(pid_t tid)
{
	char path[64], line[256];
	pid_t tgid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/*
 * The stop request interrupts waitpid(); one that comes just before the
 * call would not, so an alarm interrupts it a second later.
 */
static void request_stop(int sig)
{
	stop_requested = sig;
	alarm(1);
}

static void wake_up(int sig)
{
}

static int is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

/*
 * Ctrl-Z (or a SIGTTIN/SIGTTOU) reached tracer: stop too, once CMD is in
 * its group-stop, so that the shell sees the job stopped.  "fg" or "bg"
 * sends SIGCONT to both.
 */
static void stop_with_cmd(void)
{
	struct sigaction sa, old;
	int sig = stop_requested;
	size_t i;

	if (!sig)
		return;
	for (i = 0; i < nr_threads; i++)
		if (threads[i].group_stopped)
			break;
	if (i == nr_threads)
		return;
	stop_requested = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, &old);
	raise(sig);
	sigaction(sig, &old, NULL);
}

/* At an exit stop: the row of @pid as it is now. */
static void read_row(pid_t pid, struct run_result *res)
{
	struct tracer_table t;
	struct tracer_row *row;

	if (read_table(&t, 0))
		return;
	row = tracer_find_row(&t, pid);
	if (row) {
		memcpy(res->v, row->v, sizeof(res->v));
		res->have_row = 1;
		tracer_comm(pid, res->comm, sizeof(res->comm));
	} else {
		res->have_row = 0;
	}
	tracer_table_free(&t);
}

static void resume(pid_t tid, int sig)
{
	/* ESRCH: the thread was killed meanwhile (SIGKILL); its exit follows. */
	ptrace(PTRACE_CONT, tid, NULL, (void *)(long)sig);
}

/* Runs the tracee until the process is gone; fills res->status. */
static void trace_loop(pid_t pid, struct run_result *res)
{
	for (;;) {
		unsigned long msg;
		struct thread *t;
		int st, sig, event;
		pid_t tid = waitpid(-1, &st, __WALL);

		if (tid < 0) {
			if (errno == EINTR) {
				stop_with_cmd();
				/* Until CMD stops too (it may catch SIGTSTP). */
				if (stop_requested)
					alarm(1);
				continue;
			}
			errmsg("waitpid: %s", strerror(errno));
			res->status = 1;
			return;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (tid != pid) {
				thread_del(tid);
				continue;
			}
			/* The leader is reported after every other thread. */
			if (WIFEXITED(st)) {
				res->status = WEXITSTATUS(st);
			} else {
				res->signal = WTERMSIG(st);
				res->status = 128 + res->signal;
			}
			return;
		}
		if (!WIFSTOPPED(st))
			continue;
		sig = WSTOPSIG(st);
		event = st >> 16;
		t = thread_add(tid);
		switch (event) {
		case PTRACE_EVENT_EXIT:
			/*
			 * waitpid() can report the stop before the thread is
			 * off its CPU: on PREEMPT_RT, ptrace_stop() still
			 * unlocks sleeping locks after notifying us, and
			 * migrate_enable() there may kfree(NULL).  A ptrace
			 * request waits until it is inactive, so the row read
			 * next is final.
			 */
			ptrace(PTRACE_GETEVENTMSG, tid, NULL, &msg);
			read_row(pid, res);
			resume(tid, 0);
			continue;
		case PTRACE_EVENT_EXEC:
			/* A non-leader's exec: it took the leader's ID. */
			if (!ptrace(PTRACE_GETEVENTMSG, tid, NULL, &msg) &&
			    (pid_t)msg != tid)
				thread_del((pid_t)msg);
			resume(tid, 0);
			continue;
		case PTRACE_EVENT_STOP:
			/* A new clone's first stop: a thread, or a process. */
			if (!t->started) {
				t->started = 1;
				if (tgid_of(tid) != pid) {
					ptrace(PTRACE_DETACH, tid, NULL, NULL);
					thread_del(tid);
					continue;
				}
			}
			if (is_stop_signal(sig)) {
				t->group_stopped = 1;
				ptrace(PTRACE_LISTEN, tid, NULL, NULL);
				stop_with_cmd();
				continue;
			}
			/* SIGTRAP: a SIGCONT ended the group-stop. */
			t->group_stopped = 0;
			resume(tid, 0);
			continue;
		case 0:
			/* A signal for CMD: pass it on. */
			resume(tid, sig);
			continue;
		default:
			resume(tid, 0);
			continue;
		}
	}
}

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: tracer run [--json] [-o FILE] [--] CMD [ARGS...]\n"
		"\n"
		"Run CMD monitored from its first instruction; when it exits, print\n"
		"the counters of its process (all its threads; not the processes it\n"
		"forks) on standard error, or in FILE with -o.  --json prints one\n"
		"JSON object.  tracer exits with CMD's exit status (128+N if a\n"
		"signal N killed it).  Needs /dev/tracer (root or group tracer).\n");
}

int cmd_run(int argc, char **argv)
{
	const char *out_path = NULL;
	struct run_result res;
	struct tracer_health h;
	struct sigaction sa;
	int i, json = 0, fd, errpipe[2], st, child_errno = 0;
	char **cmd;
	FILE *out = stderr;
	pid_t pid;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out_path = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			run_usage(stdout);
			return 0;
		} else if (argv[i][0] == '-') {
			errmsg("run: unknown option '%s'", argv[i]);
			return 2;
		} else {
			break;
		}
	}
	if (i >= argc) {
		run_usage(stderr);
		return 2;
	}
	cmd = argv + i;
	if (out_path) {
		out = fopen(out_path, "we");
		if (!out) {
			errmsg("%s: %s", out_path, strerror(errno));
			return 1;
		}
	}
	fd = dev_open();
	if (fd < 0)
		return 1;
	if (pipe2(errpipe, O_CLOEXEC)) {
		errmsg("pipe: %s", strerror(errno));
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		errmsg("fork: %s", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		int e;

		close(errpipe[0]);
		raise(SIGSTOP);
		execvp(cmd[0], cmd);
		e = errno;
		if (write(errpipe[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(errpipe[1]);
	child_pid = pid;
	if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st)) {
		errmsg("cannot start '%s': it did not stop before its exec",
		       cmd[0]);
		return 1;
	}
	if (dev_set(fd, 1, pid)) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return 1;
	}
	close(fd);
	if (ptrace(PTRACE_SEIZE, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_TRACECLONE |
				  PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL))) {
		errmsg("ptrace: %s", strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return 1;
	}
	/* The terminal sends SIGINT/SIGQUIT to CMD too: outlive it. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = forward_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* No SA_RESTART: the stop request interrupts waitpid(). */
	sa.sa_flags = 0;
	sa.sa_handler = wake_up;
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = request_stop;
	sigaction(SIGTSTP, &sa, NULL);
	sigaction(SIGTTIN, &sa, NULL);
	sigaction(SIGTTOU, &sa, NULL);

	memset(&res, 0, sizeof(res));
	snprintf(res.comm, sizeof(res.comm), "?");
	thread_add(pid)->started = 1;
	kill(pid, SIGCONT);
	trace_loop(pid, &res);
	free(threads);

	if (read(errpipe[0], &child_errno, sizeof(child_errno)) ==
	    sizeof(child_errno)) {
		errmsg("cannot run '%s': %s", cmd[0], strerror(child_errno));
		return child_errno == ENOENT ? 127 : 126;
	}
	close(errpipe[0]);
	tracer_read_health(&h);
	if (!res.have_row) {
		errmsg("no counters for PID %d: its row was gone at its exit (removed with tracer remove?)",
		       pid);
	} else if (json) {
		fmt_run_json(out, pid, cmd, &res, &h);
	} else {
		fmt_run_human(out, pid, cmd, &res);
	}
	if (out != stderr && fclose(out))
		errmsg("%s: %s", out_path, strerror(errno));
	tracer_warn_incomplete(&h);
	return res.status;
}

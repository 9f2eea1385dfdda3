// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench: the in-VM driver of `make bench` (PID 1's child in bench/init).
 *
 * One boot runs every configuration, alternated within each round (forward
 * on even rounds, backward on odd ones, so that drift over the boot falls
 * on all of them alike), and prints raw lines that bench/report turns into
 * the table:
 *
 *   R round config workload ns_per_op ops events_per_op
 *        events_per_op is what tracer counted for the workload's processes
 *        in configurations 4 and 5 (-1 elsewhere: nothing counts there)
 *   MISSED round config missed skipped_nested
 *   MEM name bytes
 *   ok - bench: ... / FAIL - bench: ...   checks; then "N passed, N failed"
 *
 * Configurations: 1 nothing loaded; 2 tracer_floor.ko (the same kretprobes
 * with empty handlers); 3 tracer.ko, nothing monitored; 3b tracer.ko with
 * 1,000 idle processes monitored, the workload not; 4 tracer.ko with the
 * workload's processes monitored; 5 the same plus the 1,000 idle ones;
 * 6 bpftrace keeping the same per-PID counts, tracer not loaded.
 *
 * Workloads: kernel-side loops run by tracer_test.ko's TRACER_TEST_RUN
 * ioctl in this process's own context (kmalloc+kfree, mutex lock+unlock,
 * down_interruptible+up, schedule), and user-space ones (pipe ping-pong
 * with a helper process, small file operations, thread creation).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../src/uapi/tracer.h"
#include "../tests/kmod/tracer_test.h"

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

#define NR_IDLE 1000
#define NR_MEM_PIDS 10000

/* ---- checks ------------------------------------------------------------ */

static int passed, failed;

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - bench: ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

static void note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static long read_long(const char *path)
{
	char buf[64];
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

/* The attributes of /sys/class/misc/tracer/: src/uapi/tracer_stats.h. */
enum tracer_stat {
#define TRACER_STAT(name) S_##name,
#include "../src/uapi/tracer_stats.h"
#undef TRACER_STAT
	NR_STATS
};

static long tracer_stat(enum tracer_stat stat)
{
	static const char *const names[NR_STATS] = {
#define TRACER_STAT(name) #name,
#include "../src/uapi/tracer_stats.h"
#undef TRACER_STAT
	};
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/misc/tracer/%s", names[stat]);
	return read_long(path);
}

/* ---- the probe list, shared with tracer.ko ----------------------------- */

struct sym {
	const char *name;
	const char *kind;	/* size0, size2, size3, large, or a function */
	bool kmalloc;
	bool present;
};

#define TRACER_KMALLOC(_symbol, _kind) { _symbol, #_kind, true, false },
#define TRACER_OTHER(_symbol, _func, _kind) { _symbol, #_kind, false, false },
static struct sym syms[] = {
#include "../src/probe_list.h"
};
#define NR_SYMS (sizeof(syms) / sizeof(syms[0]))

/* Which listed symbols this kernel has: those tracer registers. */
static void find_symbols(void)
{
	char line[512], name[256], type;
	unsigned long addr;
	unsigned int i;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s", &addr, &type, name) != 3 ||
		    strchr(line, '['))
			continue;
		for (i = 0; i < NR_SYMS; i++)
			if (!strcmp(name, syms[i].name) &&
			    (type == 'T' || type == 't'))
				syms[i].present = true;
	}
	fclose(f);
}

/* ---- modules ----------------------------------------------------------- */

static int load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return err;
}

static int unload_module(const char *name)
{
	unsigned int i;

	/* A module still referenced for a moment (a closing file) says EAGAIN. */
	for (i = 0; i < 100; i++) {
		if (!syscall(SYS_delete_module, name, O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			return -errno;
		sleep_ms(50);
	}
	return -errno;
}

/* ---- processes: the helper and the idle ones --------------------------- */

static pid_t self_pid, helper_pid;
static int ping_w = -1, pong_r = -1;

/* Echo every byte back until the pipe closes. */
static void start_helper(void)
{
	int ping[2], pong[2];
	char c;

	if (pipe2(ping, O_CLOEXEC) || pipe2(pong, O_CLOEXEC))
		exit(1);
	helper_pid = fork();
	if (helper_pid == 0) {
		close(ping[1]);
		close(pong[0]);
		while (read(ping[0], &c, 1) == 1)
			if (write(pong[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(ping[0]);
	close(pong[1]);
	ping_w = ping[1];
	pong_r = pong[0];
}

struct idle_set {
	pid_t *pids;
	unsigned int nr;
	int wake_r, wake_w;
	char *stacks;
	size_t stack_size;
};

static int idle_fn(void *arg)
{
	const struct idle_set *s = arg;
	char c;

	/* The write end stays with the parent alone: closing it wakes all. */
	syscall(SYS_close, s->wake_w);
	while (syscall(SYS_read, s->wake_r, &c, 1) > 0)
		;
	syscall(SYS_exit, 0);
	return 0;
}

/*
 * @nr processes that sleep in read() until released.  CLONE_VM shares this
 * process's memory, so 10,000 of them cost kernel memory (a task, a kernel
 * stack) and one touched page of stack each, not a copy of the address
 * space; without CLONE_THREAD each is its own process with its own PID.
 */
static int idle_start(struct idle_set *s, unsigned int nr)
{
	int p[2];

	s->stack_size = 16384;
	s->stacks = mmap(NULL, s->stack_size * nr, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	s->pids = calloc(nr, sizeof(*s->pids));
	if (s->stacks == MAP_FAILED || !s->pids || pipe2(p, O_CLOEXEC))
		return -1;
	s->wake_r = p[0];
	s->wake_w = p[1];
	for (s->nr = 0; s->nr < nr; s->nr++) {
		char *top = s->stacks + (s->nr + 1) * s->stack_size;
		pid_t pid = clone(idle_fn, top, CLONE_VM | SIGCHLD, s);

		if (pid < 0)
			break;
		s->pids[s->nr] = pid;
	}
	close(p[0]);
	return s->nr == nr ? 0 : -1;
}

static void idle_stop(struct idle_set *s)
{
	unsigned int i;

	close(s->wake_w);
	for (i = 0; i < s->nr; i++)
		waitpid(s->pids[i], NULL, __WALL);
	munmap(s->stacks, s->stack_size * s->nr);
	free(s->pids);
	memset(s, 0, sizeof(*s));
}

/* ---- tracer ------------------------------------------------------------ */

/* The columns of /proc/tracer after the PID: src/uapi/tracer_counters.h. */
enum {
#define TRACER_COUNTER(id, name, bytes) C_##id,
#include "../src/uapi/tracer_counters.h"
#undef TRACER_COUNTER
	NR_COLS
};
static const char *const col_names[NR_COLS] = {
#define TRACER_COUNTER(id, name, bytes) name,
#include "../src/uapi/tracer_counters.h"
#undef TRACER_COUNTER
};
static const bool col_bytes[NR_COLS] = {
#define TRACER_COUNTER(id, name, bytes) bytes,
#include "../src/uapi/tracer_counters.h"
#undef TRACER_COUNTER
};

static int tracer_fd = -1;

static int tracer_set(const pid_t *pids, unsigned int nr, bool add)
{
	unsigned int i;
	int bad = 0;

	for (i = 0; i < nr; i++)
		if (ioctl(tracer_fd, add ? TRACER_ADD_PROCESS :
			  TRACER_REMOVE_PROCESS, pids[i]))
			bad++;
	return bad;
}

/* Sum of the rows of @pids in /proc/tracer. */
static int tracer_rows(const pid_t *pids, unsigned int nr,
		       unsigned long long sum[NR_COLS])
{
	static char buf[1 << 20];
	unsigned long long v[NR_COLS];
	char *line, *save;
	unsigned int i, found = 0;
	ssize_t len = 0, n;
	int fd = open("/proc/tracer", O_RDONLY), pid, c;

	memset(sum, 0, sizeof(unsigned long long) * NR_COLS);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p = line, *end;

		pid = (int)strtol(p, &end, 10);
		for (c = 0; end != p && c < NR_COLS; c++) {
			p = end;
			v[c] = strtoull(p, &end, 10);
		}
		if (end == p || c < NR_COLS)
			continue;
		for (i = 0; i < nr; i++)
			if (pids[i] == pid)
				break;
		if (i == nr)
			continue;
		found++;
		for (c = 0; c < NR_COLS; c++)
			sum[c] += v[c];
	}
	return found == nr ? 0 : -1;
}

/* ---- workloads --------------------------------------------------------- */

static int tt_fd = -1;

struct workload {
	const char *name;
	bool kernel;
	const char *program;	/* %u: the count */
	unsigned int ops;	/* at scale 1 */
	/* The counts tracer must show for @ops operations (kernel ones). */
	unsigned int per_op[NR_COLS];
	int (*run)(unsigned int ops);
};

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
static struct workload workloads[] = {
	{ "kmalloc+kfree", true, "kmalloc=1:64,recycle=%u:64,kfree=1", 20000,
	  { [C_KMALLOC] = 1, [C_KFREE] = 1, [C_KMALLOC_MEM] = 64,
	    [C_KFREE_MEM] = 64 }, NULL },
	{ "mutex_lock+unlock", true, "lock=%u", 20000,
	  { [C_LOCK] = 1, [C_UNLOCK] = 1 }, NULL },
	{ "down+up", true, "updown=%u", 20000,
	  { [C_DOWN] = 1, [C_UP] = 1 }, NULL },
	{ "schedule", true, "sched=%u", 20000, { [C_SCHED] = 1 }, NULL },
	{ "pipe-pingpong", false, NULL, 3000, { 0 }, run_pipe },
	{ "file-ops", false, NULL, 2000, { 0 }, run_files },
	{ "thread-create", false, NULL, 300, { 0 }, run_threads },
};
#define NR_WORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static double scale = 1.0;

static unsigned int ops_of(const struct workload *w)
{
	unsigned int ops = w->ops * scale;

	return ops ? ops : 1;
}

static int run_workload(const struct workload *w, unsigned int ops)
{
	if (w->kernel)
		return run_program(w->program, ops);
	return w->run(ops);
}

/* ---- configurations ---------------------------------------------------- */

enum cfg { CFG_BASE, CFG_FLOOR, CFG_TRACER, CFG_OTHERS, CFG_MON, CFG_MON1K,
	CFG_BPF, CFG_KFUNC, NR_CFGS };
static const char *const cfg_names[NR_CFGS] = {
	"1", "2", "3", "3b", "4", "5", "6", "7",
};

enum module { M_NONE, M_FLOOR, M_TRACER, M_BPF, M_KFUNC };

struct state {
	enum module module;
	bool mon_work, mon_idle;
};

static const struct state cfg_state[NR_CFGS] = {
	[CFG_BASE] = { M_NONE },
	[CFG_FLOOR] = { M_FLOOR },
	[CFG_TRACER] = { M_TRACER },
	[CFG_OTHERS] = { M_TRACER, false, true },
	[CFG_MON] = { M_TRACER, true, false },
	[CFG_MON1K] = { M_TRACER, true, true },
	[CFG_BPF] = { M_BPF },
	[CFG_KFUNC] = { M_KFUNC },
};

static struct state cur;
static struct idle_set idle;
static pid_t work_pids[2];
static bool use_bpftrace = true;
/* Whether this kernel and bpftrace attach kfunc probes (configuration 7). */
static bool use_kfunc;

/* ---- bpftrace (configuration 6) ---------------------------------------- */

static void dump_file(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("#   %s", line);
	fclose(f);
}

static void warm_up(void)
{
	unsigned int i;

	for (i = 0; i < NR_WORKLOADS; i++)
		run_workload(&workloads[i], ops_of(&workloads[i]) / 2 + 1);
}


static pid_t bpf_pid = -1;
static FILE *bpf_out;
static double bpf_start_s;
static volatile sig_atomic_t bpf_killed;

/* bpftrace gets BPF_TIMEOUT s to start or to stop, then SIGKILL. */
#define BPF_TIMEOUT 180

static void bpf_alarm(int sig)
{
	if (bpf_pid > 0)
		kill(bpf_pid, SIGKILL);
	bpf_killed = 1;
}

/* What bpftrace counted for one session, summed over the workload's PIDs. */
static unsigned long long bpf_counts[NR_COLS], bpf_returns;
static unsigned long long bpf_expect[NR_COLS];

/* The size argument of a kmalloc kind: the digit that ends its name. */
static int size_arg(const char *kind)
{
	return kind[strlen(kind) - 1] - '0';
}

/*
 * kfunc probes name arguments (args->NAME in Debian 12's bpftrace 0.17),
 * and names differ between kernels (kfree's objp became object): ask
 * bpftrace, which reads them from the kernel's BTF.  "" when unknown.
 */
static char kfunc_arg[sizeof(syms) / sizeof(syms[0])][64];

/*
 * Whether the verifier lets a kfunc program read kfree()'s argument: 6.1
 * refuses a "const void *" argument ("func 'kfree' arg0 type UNKNOWN is
 * not a struct"), later kernels read it as a number.  Where it refuses,
 * configuration 7 takes kfree() through a kprobe, and says so.
 */
static bool kfunc_kfree = true;

static bool kfunc_reads_kfree_arg(const char *arg)
{
	char cmd[320];

	snprintf(cmd, sizeof(cmd),
		 "/bin/bpftrace -e 'kfunc:kfree { @x[(uint64)args->%.63s] = 1; } BEGIN { exit(); }' >/dev/null 2>&1",
		 arg);
	return system(cmd) == 0;
}

static bool kfunc_probe_names(void)
{
	char cmd[320], line[512], *name;
	unsigned int i;
	int n, want;
	bool all = true;

	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		FILE *f;

		if (!syms[i].present)
			continue;
		want = syms[i].kmalloc ? size_arg(syms[i].kind) :
		       !strcmp(syms[i].kind, "kfree") ? 0 : -1;
		snprintf(cmd, sizeof(cmd),
			 "/bin/bpftrace -lv 'kfunc:%s' 2>/dev/null", syms[i].name);
		f = popen(cmd, "r");
		n = -1;
		while (f && fgets(line, sizeof(line), f)) {
			if (line[0] != ' ' && line[0] != '\t') {
				n = strstr(line, syms[i].name) ? 0 : -1;
				continue;
			}
			if (n < 0)
				continue;
			line[strcspn(line, "\n")] = '\0';
			name = strrchr(line, ' ');
			name = name ? name + 1 : line;
			name += strspn(name, "*");
			if (n++ == want)
				snprintf(kfunc_arg[i], sizeof(kfunc_arg[i]),
					 "%s", name);
		}
		if (f)
			pclose(f);
		if (n < 0 || (want >= 0 && !kfunc_arg[i][0])) {
			note("kfunc: no BTF prototype of %s", syms[i].name);
			all = false;
		} else if (!strcmp(syms[i].kind, "kfree") &&
			   !kfunc_reads_kfree_arg(kfunc_arg[i])) {
			kfunc_kfree = false;
			note("kfunc: this kernel's verifier refuses to read kfree()'s const void * argument: configuration 7 takes kfree through a kprobe");
		}
	}
	return all;
}

/*
 * Every kfree() in the system takes its address out of @addr; only the
 * monitored ones count.  Configuration 7 uses it where the verifier
 * refuses kfunc:kfree's argument.
 */
static const char bpf_kprobe_kfree[] =
	"kprobe:kfree { $s = @addr[arg0]; if ($s) { delete(@addr[arg0]); } if (@mon[pid]) { @kfree[pid] = count(); @kfree_mem[pid] = sum($s); } }\n";

/* The script's first line: the workload's processes marked in @mon. */
static FILE *bpf_script_begin(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f)
		fprintf(f, "BEGIN { @mon[%d] = 1; @mon[%d] = 1; printf(\"ready\\n\"); }\n",
			work_pids[0], work_pids[1]);
	return f;
}

/* A function counted at entry; the map is named after tracer's column. */
static void bpf_count_line(FILE *f, const char *probe, const struct sym *s)
{
	fprintf(f, "%s:%s /@mon[pid]/ { @%s[pid] = count(); }\n", probe,
		s->name, strcmp(s->kind, "schedule") ? s->kind : "sched");
}

/* Configuration 6: a kmalloc through a kprobe and a kretprobe. */
static void bpf_kmalloc_kprobe(FILE *f, const struct sym *s)
{
	int a = size_arg(s->kind);

	fprintf(f, "kprobe:%s /@mon[pid]/ { @kmalloc[pid] = count(); @kmalloc_mem[pid] = sum(arg%d); @sz[tid] = arg%d + 1; }\n",
		s->name, a, a);
	fprintf(f, "kretprobe:%s /@sz[tid]/ { if (retval > 16) { @addr[retval] = @sz[tid] - 1; } delete(@sz[tid]); @kmalloc_ret[pid] = count(); }\n",
		s->name);
}

/* Configuration 7: kretfunc sees the size and the address together. */
static void bpf_kmalloc_kfunc(FILE *f, const struct sym *s, const char *a)
{
	fprintf(f, "kretfunc:%s /@mon[pid]/ { @kmalloc[pid] = count(); @kmalloc_mem[pid] = sum(args->%s); @kmalloc_ret[pid] = count(); if ((uint64)retval) { @addr[(uint64)retval] = args->%s; } }\n",
		s->name, a, a);
}

/*
 * The same per-process counts as tracer, the way a bpftrace user would
 * keep them: maps keyed by PID (bpftrace's pid is the thread group), an
 * address -> size map that every kfree() in the system takes its
 * address out of.  With kprobes (configuration 6) an in-flight size per
 * thread goes from a kmalloc's entry to its return.  With fentry/fexit
 * through BPF trampolines (configuration 7, what a well-informed user
 * picks on a kernel with BTF), kretfunc sees the arguments and the
 * return value together: one probe per kmalloc, no in-flight map.
 */
static int bpf_write_script(const char *path, bool kfunc)
{
	FILE *f = bpf_script_begin(path);
	unsigned int i;

	if (!f)
		return -1;
	for (i = 0; i < NR_SYMS; i++) {
		const struct sym *s = &syms[i];
		const char *a = kfunc_arg[i];

		if (!s->present)
			continue;
		if (s->kmalloc && kfunc)
			bpf_kmalloc_kfunc(f, s, a);
		else if (s->kmalloc)
			bpf_kmalloc_kprobe(f, s);
		else if (!strcmp(s->kind, "kfree") && kfunc && kfunc_kfree)
			fprintf(f, "kfunc:kfree { $s = @addr[(uint64)args->%s]; if ($s) { delete(@addr[(uint64)args->%s]); } if (@mon[pid]) { @kfree[pid] = count(); @kfree_mem[pid] = sum($s); } }\n",
				a, a);
		else if (!strcmp(s->kind, "kfree"))
			fputs(bpf_kprobe_kfree, f);
		else
			bpf_count_line(f, kfunc ? "kfunc" : "kprobe", s);
	}
	/* kfunc's script has no @sz: bpftrace refuses an undefined map. */
	fprintf(f, "END { clear(@addr); %sclear(@mon); }\n",
		kfunc ? "" : "clear(@sz); ");
	return fclose(f);
}

static int bpf_start(bool kfunc)
{
	int out[2];
	char line[512];
	double t0 = now_ns();

	if (bpf_write_script("/tmp/bench.bt", kfunc) ||
	    pipe2(out, O_CLOEXEC))
		return -1;
	bpf_pid = fork();
	if (bpf_pid == 0) {
		int err = open("/tmp/bpftrace.err", O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(out[1], 1);
		dup2(err, 2);
		close(out[0]);
		/* The address map must hold what tracer's table holds. */
		setenv("BPFTRACE_MAP_KEYS_MAX", "65536", 1);
		execl("/bin/bpftrace", "bpftrace", "/tmp/bench.bt", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	bpf_out = fdopen(out[0], "r");
	bpf_killed = 0;
	alarm(BPF_TIMEOUT);
	memset(bpf_counts, 0, sizeof(bpf_counts));
	memset(bpf_expect, 0, sizeof(bpf_expect));
	bpf_returns = 0;
	while (fgets(line, sizeof(line), bpf_out)) {
		if (!strncmp(line, "ready", 5)) {
			alarm(0);
			bpf_start_s = (now_ns() - t0) / 1e9;
			return 0;
		}
	}
	alarm(0);
	note("bpftrace did not start%s; its errors:",
	     bpf_killed ? " (killed after " __stringify(BPF_TIMEOUT) " s)" : "");
	fclose(bpf_out);
	waitpid(bpf_pid, NULL, 0);
	bpf_pid = -1;
	return -1;
}

static bool is_work_pid(long pid)
{
	return pid == work_pids[0] || pid == work_pids[1];
}

/* Stop bpftrace; its maps print on exit: "@kmalloc[123]: 456". */
static int bpf_stop(void)
{
	char line[512], map[64];
	long pid;
	unsigned long long v;
	int status, c;

	kill(bpf_pid, SIGINT);
	alarm(BPF_TIMEOUT);
	while (fgets(line, sizeof(line), bpf_out)) {
		if (sscanf(line, "@%63[a-z_][%ld]: %llu", map, &pid, &v) != 3 ||
		    !is_work_pid(pid))
			continue;
		if (!strcmp(map, "kmalloc_ret"))
			bpf_returns += v;
		for (c = 0; c < NR_COLS; c++)
			if (!strcmp(map, col_names[c]))
				bpf_counts[c] += v;
	}
	fclose(bpf_out);
	waitpid(bpf_pid, &status, 0);
	alarm(0);
	bpf_pid = -1;
	if (bpf_killed) {
		note("bpftrace did not exit within %d s of SIGINT: killed",
		     BPF_TIMEOUT);
		dump_file("/tmp/bpftrace.err");
		return -ETIMEDOUT;
	}
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EPROTO;
}

/* ---- state transitions ------------------------------------------------- */

static const char *tracer_ko = "/lib/tracer.ko", *floor_ko = "/lib/tracer_floor.ko";

static bool bpf_counts_ok = true, missed_ok = true;
static int bpf_hung;	/* bpftrace sessions killed in their exit */

static int leave_module(int round)
{
	bool low;
	int err = 0, c;

	switch (cur.module) {
	case M_FLOOR:
		err = unload_module("tracer_floor");
		break;
	case M_TRACER:
		close(tracer_fd);
		tracer_fd = -1;
		err = unload_module("tracer");
		break;
	case M_BPF:
	case M_KFUNC:
		err = bpf_stop();
		/*
		 * A bpftrace that hangs in its exit (seen now and then under
		 * emulation, with kprobes and with kfunc) is killed: what it
		 * counted is unknown, which is bpftrace's failure, not a
		 * count below the workload's.  It is reported, not judged.
		 */
		if (err == -ETIMEDOUT) {
			bpf_hung++;
			err = 0;
			break;
		}
		printf("BPF %d returns_missing %lld start_s %.1f %s\n", round,
		       (long long)(bpf_counts[C_KMALLOC] - bpf_returns),
		       bpf_start_s, cur.module == M_KFUNC ? "kfunc" : "kprobe");
		if (bpf_counts[C_KMALLOC] != bpf_returns)
			missed_ok = false;
		for (c = 0, low = false; c < NR_COLS; c++)
			low = low || bpf_counts[c] < bpf_expect[c];
		if (low) {
			bpf_counts_ok = false;
			printf("# bpftrace counted (at least):");
			for (c = 0; c < NR_COLS; c++)
				printf(" %s=%llu/%llu", col_names[c],
				       bpf_counts[c], bpf_expect[c]);
			printf("\n");
		}
		break;
	case M_NONE:
		break;
	}
	cur = (struct state){ M_NONE };
	return err;
}

static int enter_module(enum module m)
{
	int err = 0;

	switch (m) {
	case M_FLOOR:
		err = load_module(floor_ko);
		break;
	case M_TRACER:
		err = load_module(tracer_ko);
		if (!err) {
			tracer_fd = open("/dev/tracer", O_RDWR | O_CLOEXEC);
			if (tracer_fd < 0)
				err = -errno;
		}
		break;
	case M_BPF:
	case M_KFUNC:
		err = bpf_start(m == M_KFUNC);
		if (err)
			dump_file("/tmp/bpftrace.err");
		break;
	case M_NONE:
		break;
	}
	if (!err)
		cur.module = m;
	return err;
}

#define DISARM_DELAY "/sys/module/tracer/parameters/disarm_delay_ms"

/* Wait until tracer's probes are disarmed; 0 when they are. */
static int wait_disarmed(unsigned int ms)
{
	for (; ms; ms--) {
		if (tracer_stat(S_armed) == 0)
			return 0;
		sleep_ms(1);
	}
	return tracer_stat(S_armed) == 0 ? 0 : -ETIMEDOUT;
}

static int enter(enum cfg cfg, int round)
{
	const struct state *want = &cfg_state[cfg];
	bool changed = cur.module != want->module;
	int err = 0, bad = 0;

	if (changed) {
		err = leave_module(round);
		if (err)
			check(false, "round %d: leaving for config %s: %s",
			      round, cfg_names[cfg], strerror(-err));
		err = enter_module(want->module);
		if (err)
			return err;
	}
	if (cur.module == M_TRACER) {
		long armed = tracer_stat(S_armed);

		if (cur.mon_work && !want->mon_work)
			bad += tracer_set(work_pids, 2, false);
		if (cur.mon_idle && !want->mon_idle)
			bad += tracer_set(idle.pids, idle.nr, false);
		if (!cur.mon_work && want->mon_work)
			bad += tracer_set(work_pids, 2, true);
		if (!cur.mon_idle && want->mon_idle)
			bad += tracer_set(idle.pids, idle.nr, true);
		cur.mon_work = want->mon_work;
		cur.mon_idle = want->mon_idle;
		if (bad)
			return -EIO;
		/* Nothing monitored: measured as an idle tracer is, disarmed. */
		if (!want->mon_work && !want->mon_idle && wait_disarmed(60000))
			return -ETIMEDOUT;
		changed = changed || tracer_stat(S_armed) != armed;
	}
	/* Let deferred work (module load, tracer's reaper) settle. */
	sleep_ms(300);
	/*
	 * Loading, unloading, arming or disarming probes patches kernel
	 * text, and TCG throws away its translations of the pages patched:
	 * one untimed pass of every workload pays for translating them again.
	 */
	if (changed)
		warm_up();
	return 0;
}

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
static void arming(unsigned int cycles)
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
		ok = !ioctl(tracer_fd, TRACER_ADD_PROCESS, self_pid) &&
		     tracer_stat(S_armed) == 1;
		t1 = now_ns();
		ok = ok && !ioctl(tracer_fd, TRACER_REMOVE_PROCESS, self_pid);
		ok = ok && !wait_disarmed(60000);
		arm[i] = (t1 - t0) / 1e6;
		disarm[i] = (now_ns() - t1) / 1e6;
	}
	check(ok, "arming: %u arm/disarm cycles", cycles);
	if (ok) {
		printf("ARM cycles %u total_s %.1f arms %ld disarms %ld\n", cycles,
		       (now_ns() - start) / 1e9,
		       tracer_stat(S_arms),
		       tracer_stat(S_disarms));
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

/* Cumulative missed/skipped counters of whatever is loaded. */
static void missed_now(long *missed, long *skipped)
{
	*missed = *skipped = 0;
	if (cur.module == M_TRACER) {
		*missed = tracer_stat(S_missed);
		*skipped = tracer_stat(S_skipped_nested);
	} else if (cur.module == M_FLOOR) {
		*missed = read_long("/sys/module/tracer_floor/parameters/missed");
		*skipped = read_long("/sys/module/tracer_floor/parameters/skipped_nested");
	}
}

/* ---- one round of one configuration ------------------------------------ */

#define CHUNKS 5

static bool counts_ok = true, runs_ok = true;

static void measure(enum cfg cfg, int round)
{
	unsigned long long first[NR_COLS], before[NR_COLS], after[NR_COLS];
	long m0, s0, m1, s1;
	unsigned int i, ops;
	bool counting = cfg == CFG_MON || cfg == CFG_MON1K;

	missed_now(&m0, &s0);
	for (i = 0; i < NR_WORKLOADS; i++) {
		const struct workload *w = &workloads[i];
		double t0, t1, best, events = -1;
		int err, c, k;

		ops = ops_of(w);
		/* A short warm-up: TCG translates new code on first use. */
		run_workload(w, ops / 8 + 1);
		/*
		 * Reading /proc/tracer is itself counted: two reads in a row
		 * measure what one read adds to the window, to subtract.
		 */
		if (counting && (tracer_rows(work_pids, 2, first) ||
				 tracer_rows(work_pids, 2, before)))
			check(false, "round %d config %s: no /proc/tracer rows",
			      round, cfg_names[cfg]);
		/*
		 * The fastest of CHUNKS equal runs: the host's other work
		 * (its other VMs, say) only ever adds time to a run under
		 * emulation, so the minimum is the least disturbed figure.
		 */
		best = 0;
		err = 0;
		for (k = 0; k < CHUNKS && !err; k++) {
			t0 = now_ns();
			err = run_workload(w, ops / CHUNKS);
			t1 = now_ns();
			if (!k || t1 - t0 < best)
				best = t1 - t0;
		}
		ops = ops / CHUNKS * CHUNKS;
		if (counting && !tracer_rows(work_pids, 2, after)) {
			unsigned long long sum = 0;

			for (c = 0; c < NR_COLS; c++) {
				long long d = (long long)(after[c] - before[c]) -
					      (long long)(before[c] - first[c]);
				long long want = (long long)w->per_op[c] * ops;

				if (!col_bytes[c])
					sum += d;
				/*
				 * The program's own first and last block, a
				 * schedule() on return to user space: a few
				 * calls (and bytes) more than the loop's; the
				 * reads subtracted may hold such a call too.
				 */
				if (w->kernel &&
				    (d + 2 < want || d > want + want / 100 + 4 * 64)) {
					counts_ok = false;
					printf("# config %s %s: %s counted %lld, ran %lld\n",
					       cfg_names[cfg], w->name, col_names[c],
					       d, want);
				}
			}
			events = (double)sum / ops;
		}
		if (cfg == CFG_BPF || cfg == CFG_KFUNC) {
			for (c = 0; c < NR_COLS; c++)
				bpf_expect[c] += (unsigned long long)w->per_op[c] *
						 (ops + ops / 8 + 1);
		}
		if (err) {
			runs_ok = false;
			printf("# config %s %s: run failed: %s\n",
			       cfg_names[cfg], w->name, strerror(errno));
		}
		printf("R %d %s %s %.1f %u %.3f\n", round, cfg_names[cfg],
		       w->name, best / (ops / CHUNKS), ops, events);
		fflush(stdout);
	}
	missed_now(&m1, &s1);
	if (cfg != CFG_BPF && cfg != CFG_KFUNC)
		printf("MISSED %d %s %ld %ld\n", round, cfg_names[cfg],
		       m1 - m0, s1 - s0);
	if (m1 != m0)
		missed_ok = false;
}

/* ---- memory ------------------------------------------------------------ */

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

static void memory(void)
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
		printf("MEM processes_monitored %ld\n",
		       tracer_stat(S_processes) - 1);
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
	printf("MEM addr_entries %ld\n", tracer_stat(S_addr_entries));
	printf("MEM addr_capacity %ld\n", tracer_stat(S_addr_capacity));
	printf("MEM addr_overflows %ld\n", tracer_stat(S_addr_overflows));
	printf("MEM tracer_table_full %lld\n", d_mon - d_plain);
	unfill_blocks(fds);
	tracer_set(&self_pid, 1, false);
	leave_module(-1);
}

/* ---- main -------------------------------------------------------------- */

int main(int argc, char **argv)
{
	int rounds = 9, round, i, opt;
	unsigned int cycles = 200;
	bool mem = true;

	while ((opt = getopt(argc, argv, "r:s:nBc:")) != -1) {
		switch (opt) {
		case 'c':
			cycles = atoi(optarg) > 0 ? atoi(optarg) : 1;
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 's':
			scale = atof(optarg);
			break;
		case 'n':
			mem = false;
			break;
		case 'B':
			use_bpftrace = false;
			break;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, bpf_alarm);
	self_pid = getpid();
	find_symbols();
	for (i = 0; i < (int)NR_SYMS; i++)
		if (syms[i].present)
			note("probed: %s", syms[i].name);
	tt_fd = open("/proc/tracer_test", O_RDWR);
	if (tt_fd < 0) {
		check(false, "open /proc/tracer_test: %s", strerror(errno));
		goto out;
	}
	start_helper();
	work_pids[0] = self_pid;
	work_pids[1] = helper_pid;
	check(!idle_start(&idle, NR_IDLE), "%d idle processes started", NR_IDLE);
	if (use_bpftrace) {
		use_kfunc = kfunc_probe_names();
		note("kfunc: %s", use_kfunc ?
		     "configuration 7 runs (BTF and bpftrace's kfunc support)" :
		     "configuration 7 left out: bpftrace cannot attach kfunc probes to every probed function here");
	}
	note("rounds %d, scale %.2f", rounds, scale);
	/* Discarded: the first runs pay for TCG's translation of the paths. */
	warm_up();
	printf("START %.0f\n", now_ns() / 1e9);

	for (round = 0; round < rounds; round++) {
		for (i = 0; i < NR_CFGS; i++) {
			enum cfg cfg = round % 2 ? NR_CFGS - 1 - i : i;
			int err;

			if ((cfg == CFG_BPF && !use_bpftrace) ||
			    (cfg == CFG_KFUNC && !use_kfunc))
				continue;
			err = enter(cfg, round);
			if (err) {
				check(false, "round %d: enter config %s: %s",
				      round, cfg_names[cfg], strerror(-err));
				runs_ok = false;
				continue;
			}
			measure(cfg, round);
		}
	}
	i = leave_module(rounds);
	if (i)
		check(false, "leaving the last configuration: %s", strerror(-i));
	printf("END %.0f\n", now_ns() / 1e9);
	check(runs_ok, "every configuration ran every workload");
	check(counts_ok, "tracer counted exactly the kernel workloads' calls (configs 4, 5)");
	check(missed_ok, "no missed event: kretprobe nmissed of tracer and floor, kmalloc returns bpftrace saw");
	if (use_bpftrace)
		check(bpf_counts_ok, "bpftrace counted at least the kernel workloads' calls (configs 6, 7)");
	if (bpf_hung)
		note("bpftrace hung in its exit %d time(s) and was killed: those sessions' counts are unknown",
		     bpf_hung);
	arming(cycles);
	if (mem)
		memory();
	idle_stop(&idle);
	close(ping_w);
	waitpid(helper_pid, NULL, 0);
out:
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/* Configurations 6 and 7: bpftrace keeping the counts tracer keeps. */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t bpf_pid = -1;
static FILE *bpf_out;
double bpf_start_s;
static volatile sig_atomic_t bpf_killed;

/* bpftrace gets BPF_TIMEOUT s to start or to stop, then SIGKILL. */
#define BPF_TIMEOUT 180

void bpf_alarm(int sig)
{
	if (bpf_pid > 0)
		kill(bpf_pid, SIGKILL);
	bpf_killed = 1;
}

/* What bpftrace counted for one session, summed over the workload's PIDs. */
unsigned long long bpf_counts[TRACER_NR_COUNTERS], bpf_returns;
unsigned long long bpf_expect[TRACER_NR_COUNTERS];

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
static char kfunc_arg[MAX_SYMS][64];

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

bool kfunc_probe_names(void)
{
	char cmd[320], line[512], *name;
	unsigned int i;
	int n, want;
	bool all = true;

	for (i = 0; i < nr_syms; i++) {
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
	for (i = 0; i < nr_syms; i++) {
		const struct sym *s = &syms[i];
		const char *a = kfunc_arg[i];

		/* Not a counted function: the peer keeps no address table clean. */
		if (!s->present || !strncmp(s->kind, "drop", 4))
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

int bpf_start(bool kfunc)
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
int bpf_stop(void)
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
		for (c = 0; c < TRACER_NR_COUNTERS; c++)
			if (!strcmp(map, tracer_counter_names[c]))
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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's own tracing, as an independent witness: tracefs helpers and
 * a parser for the lines of the "trace" file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "suite.h"

int tfs_write(const char *file, const char *text, int flags)
{
	char path[256];

	snprintf(path, sizeof(path), "%s%s", TRACEFS, file);
	return write_file_flags(path, text, flags);
}

/*
 * The functions whose kmem:kmalloc events are part of an outer kmalloc
 * call (their call_site lies in one): every kmalloc entry point of 5.10 to
 * 7.x, written out here rather than taken from tracer's list, so that the
 * witness stays independent.  kvmalloc is one only from 6.15, when it began
 * to fire the tracepoint itself; before, its call shows as the one event
 * of __kmalloc_node_noprof, with kvmalloc as the call site.
 */
static const char *const kmalloc_entry_points[] = {
	"__kmalloc", "__kmalloc_node", "__kmalloc_node_track_caller",
	"__kmalloc_track_caller", "kmem_cache_alloc_trace",
	"kmem_cache_alloc_node_trace", "kmalloc_order_trace",
	"kmalloc_trace", "kmalloc_node_trace", "kmalloc_large",
	"kmalloc_large_node", "__kmalloc_noprof", "__kmalloc_node_noprof",
	"__kmalloc_node_track_caller_noprof", "__kmalloc_cache_noprof",
	"__kmalloc_cache_node_noprof", "__kmalloc_large_noprof",
	"__kmalloc_large_node_noprof", "__kmalloc_flags_noprof", NULL
};

static int kvmalloc_is_entry_point(void)
{
	static int known = -1;
	struct utsname u;
	int major = 0, minor = 0;

	if (known < 0) {
		if (!uname(&u))
			sscanf(u.release, "%d.%d", &major, &minor);
		known = major > 6 || (major == 6 && minor >= 15);
	}
	return known;
}

static int is_kmalloc_entry_point(const char *site)
{
	size_t len = strcspn(site, "+ ");
	int i;

	if (kvmalloc_is_entry_point() && len == strlen("__kvmalloc_node_noprof") &&
	    !strncmp(site, "__kvmalloc_node_noprof", len))
		return 1;
	for (i = 0; kmalloc_entry_points[i]; i++)
		if (strlen(kmalloc_entry_points[i]) == len &&
		    !strncmp(site, kmalloc_entry_points[i], len))
			return 1;
	return 0;
}

/*
 * The kmem events an oracle reads: 5.10 has a kmalloc_node event beside
 * kmalloc (merged into it in 6.1), so it is set too where it exists.
 */
static const char *const kmem_events[] = { "kmalloc", "kmalloc_node", "kfree" };

int kmem_events_set(const char *file, const char *text)
{
	char path[96];
	unsigned int i;

	for (i = 0; i < sizeof(kmem_events) / sizeof(kmem_events[0]); i++) {
		if (!strcmp(kmem_events[i], "kmalloc_node") &&
		    access(TRACEFS "events/kmem/kmalloc_node", F_OK))
			continue;
		snprintf(path, sizeof(path), "events/kmem/%s/%s",
			 kmem_events[i], file);
		if (tfs_write(path, text, O_TRUNC))
			return -1;
	}
	return 0;
}

static unsigned long long field(const char *line, const char *name,
				int base, const char **str)
{
	const char *p = strstr(line, name);

	if (!p)
		return 0;
	p += strlen(name);
	if (str)
		*str = p;
	return strtoull(p, NULL, base);
}

/*
 * Which flag character tells hardirq/softirq/NMI context: the header draws
 * one "=>" line per character, and PREEMPT_RT kernels insert a
 * need-resched-lazy character before it.
 */
static int flag_lines, irq_flag = 2;

void trace_parse_reset(void)
{
	flag_lines = 0;
	irq_flag = 2;
}

/*
 * "  comm-PID  [cpu] flags  time: event: args".  The interrupt flag
 * character is '.' in task context ('h', 's', 'H', 'z', 'Z' otherwise).
 */
int parse_trace_line(const char *line, struct trace_event *ev)
{
	const char *bracket = strstr(line, "] "), *dash, *site = "";
	char flags[16];

	memset(ev, 0, sizeof(*ev));
	if (line[0] == '#' && strstr(line, "=> ")) {
		if (strstr(line, "hardirq/softirq"))
			irq_flag = flag_lines;
		flag_lines++;
	}
	if (line[0] == '#' || !bracket)
		return -1;
	for (dash = bracket; dash > line && *dash != '-'; dash--)
		;
	ev->pid = atoi(dash + 1);
	if (sscanf(bracket + 2, "%15s %*s %63s", flags, ev->name) != 2)
		return -1;
	ev->task_ctx = (int)strlen(flags) > irq_flag && flags[irq_flag] == '.';
	/* 5.10's kmalloc_node event is a kmalloc call like the others. */
	if (!strcmp(ev->name, "kmalloc_node:"))
		strcpy(ev->name, "kmalloc:");
	if (!strcmp(ev->name, "kmalloc:") || !strcmp(ev->name, "kfree:")) {
		const char *end;

		field(line, "call_site=", 10, &site);
		end = strstr(site, " ptr=");
		/* "func+0x1/0x2 [module]" */
		snprintf(ev->call_site, sizeof(ev->call_site), "%.*s",
			 (int)(end ? end - site : 0), site);
		ev->nested = is_kmalloc_entry_point(site);
		ev->ptr = field(line, " ptr=", 16, NULL);
		ev->bytes = field(line, "bytes_req=", 10, NULL);
	}
	return 0;
}

/* ---- a small map of address -> requested size ---- */

#define MAP_BITS 20
static struct { unsigned long long key, val; } map[1 << MAP_BITS];

void size_map_clear(void)
{
	memset(map, 0, sizeof(map));
}

static unsigned long long *map_slot(unsigned long long key, int insert)
{
	unsigned long h = (key * 0x9E3779B97F4A7C15ull) >> (64 - MAP_BITS);

	for (;; h = (h + 1) & ((1 << MAP_BITS) - 1)) {
		if (map[h].key == key)
			return &map[h].val;
		if (!map[h].key)
			break;
	}
	if (!insert)
		return NULL;
	map[h].key = key;
	return &map[h].val;
}

/*
 * Charge one traced event to @c as tracer would: allocations in task
 * context with their requested size, frees with the size the map holds
 * (any context drops the entry; only task context counts).
 */
void charge_event(const struct trace_event *ev, struct counts *c)
{
	unsigned long long *size, bytes;

	if (!strcmp(ev->name, "kmalloc:")) {
		if (ev->nested || !ev->task_ctx)
			return;
		c->v[C_KMALLOC]++;
		c->v[C_KMALLOC_MEM] += ev->bytes;
		if (ev->ptr)
			*map_slot(ev->ptr, 1) = ev->bytes;
	} else if (!strcmp(ev->name, "kfree:")) {
		size = ev->ptr ? map_slot(ev->ptr, 0) : NULL;
		bytes = size ? *size : 0;
		if (size)
			*size = 0;
		if (!ev->task_ctx)
			return;
		c->v[C_KFREE]++;
		c->v[C_KFREE_MEM] += bytes;
	}
}

long trace_overruns(void)
{
	char path[96], line[128];
	long total = 0, v;
	int cpu;

	for (cpu = 0; cpu < 64; cpu++) {
		FILE *f;

		snprintf(path, sizeof(path), TRACEFS "per_cpu/cpu%d/stats", cpu);
		f = fopen(path, "re");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "overrun: %ld", &v) == 1)
				total += v;
		fclose(f);
	}
	return total;
}

/*
 * Allocations and frees the kernel makes on a worker's behalf, outside the
 * test module's code: on PREEMPT_RT, for one, SLUB's migrate_enable() can
 * call kfree(NULL) in __set_cpus_allowed_ptr_locked() when the worker was
 * preempted inside kmalloc().  They are real calls by that task, which
 * tracer must count; the kernel's tracepoints name them by call site.
 *
 * A monitored kmalloc() returns through the kretprobe trampoline, so its
 * event's call_site is the trampoline, whoever called it.  Such events are
 * taken as the test module's own: an allocation the kernel made on its own
 * in a worker would then show up as a mismatch, never be hidden.
 */
int kernel_calls_begin(pid_t lo, pid_t hi)
{
	char filter[96];

	snprintf(filter, sizeof(filter), "common_pid >= %d && common_pid <= %d",
		 lo, hi);
	tfs_write("tracing_on", "0", O_TRUNC);
	tfs_write("trace", "", O_TRUNC);
	tfs_write("buffer_size_kb", "8192", O_TRUNC);
	tfs_write("options/hash-ptr", "0", O_TRUNC);
	if (kmem_events_set("filter", filter) ||
	    kmem_events_set("enable", "1"))
		return fail("cannot trace kmem events");
	return tfs_write("tracing_on", "1", O_TRUNC);
}

/*
 * Per worker: the kmalloc calls whose return tracer probed (their call site
 * is the kretprobe trampoline), with their bytes.  They are the program's
 * own, plus any kmalloc the kernel made inside one of them and tracer
 * counted: on 7.x, the slab allocating a sheaf from inside a worker's
 * kmalloc().  kernel_calls_explain() adds the latter to the kernel's calls.
 */
#define MAX_TRACED 64
static struct counts probed[MAX_TRACED];

int kernel_calls_end(const pid_t *pids, int n, struct counts *extra)
{
	FILE *f;
	char line[1024];
	struct trace_event ev;
	int i, err = 0;

	tfs_write("tracing_on", "0", O_TRUNC);
	memset(extra, 0, n * sizeof(*extra));
	memset(probed, 0, sizeof(probed));
	size_map_clear();
	trace_parse_reset();
	f = fopen(TRACEFS "trace", "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (parse_trace_line(line, &ev) ||
		    strstr(ev.call_site, "[tracer_test]"))
			continue;
		for (i = 0; i < n; i++) {
			if (pids[i] != ev.pid)
				continue;
			if (!strstr(ev.call_site, "trampoline"))
				charge_event(&ev, &extra[i]);
			else if (i < MAX_TRACED)
				charge_event(&ev, &probed[i]);
		}
	}
	if (!f)
		err = fail("cannot read the trace");
	else
		fclose(f);
	if (!err && trace_overruns())
		err = fail("trace buffer overran");
	kmem_events_set("enable", "0");
	kmem_events_set("filter", "0");
	tfs_write("trace", "", O_TRUNC);
	tfs_write("tracing_on", "1", O_TRUNC);
	return err;
}

/*
 * Add to @extra the kmalloc calls of workers [@first, @first + @n) that
 * tracer probed beyond the @program's own: calls the kernel made inside
 * the program's kmalloc() calls.  Fewer probed calls than the program made
 * are no excess: a kmalloc(0) returns before the tracepoint.
 */
void kernel_calls_explain(int first, int n, const struct counts *program,
			  struct counts *extra)
{
	unsigned long long calls = 0, bytes = 0;

	for (int i = first; i < first + n && i < MAX_TRACED; i++) {
		calls += probed[i].v[C_KMALLOC];
		bytes += probed[i].v[C_KMALLOC_MEM];
	}
	if (calls <= program->v[C_KMALLOC])
		return;
	note("kernel kmalloc calls inside the program's: %llu (%llu bytes)",
	     calls - program->v[C_KMALLOC],
	     bytes - program->v[C_KMALLOC_MEM]);
	extra->v[C_KMALLOC] += calls - program->v[C_KMALLOC];
	extra->v[C_KMALLOC_MEM] += bytes - program->v[C_KMALLOC_MEM];
}

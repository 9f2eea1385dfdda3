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

#include "suite.h"

int tfs_write(const char *file, const char *text, int flags)
{
	char path[256];

	snprintf(path, sizeof(path), "%s%s", TRACEFS, file);
	return write_file_flags(path, text, flags);
}

static const char *const kmalloc_entry_points[] = {
	"__kmalloc", "__kmalloc_node", "__kmalloc_node_track_caller",
	"kmalloc_trace", "kmalloc_node_trace", "kmalloc_large",
	"kmalloc_large_node", "__kmalloc_noprof", "__kmalloc_node_noprof",
	"__kmalloc_node_track_caller_noprof", "__kmalloc_cache_noprof",
	"__kmalloc_cache_node_noprof", "__kmalloc_large_noprof",
	"__kmalloc_large_node_noprof", NULL
};

static int is_kmalloc_entry_point(const char *site)
{
	size_t len = strcspn(site, "+ ");
	int i;

	for (i = 0; kmalloc_entry_points[i]; i++)
		if (strlen(kmalloc_entry_points[i]) == len &&
		    !strncmp(site, kmalloc_entry_points[i], len))
			return 1;
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
	if (tfs_write("events/kmem/kmalloc/filter", filter, O_TRUNC) ||
	    tfs_write("events/kmem/kfree/filter", filter, O_TRUNC) ||
	    tfs_write("events/kmem/kmalloc/enable", "1", O_TRUNC) ||
	    tfs_write("events/kmem/kfree/enable", "1", O_TRUNC))
		return fail("cannot trace kmem events");
	return tfs_write("tracing_on", "1", O_TRUNC);
}

int kernel_calls_end(const pid_t *pids, int n, struct counts *extra)
{
	FILE *f;
	char line[1024];
	struct trace_event ev;
	int i, err = 0;

	tfs_write("tracing_on", "0", O_TRUNC);
	memset(extra, 0, n * sizeof(*extra));
	size_map_clear();
	trace_parse_reset();
	f = fopen(TRACEFS "trace", "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (parse_trace_line(line, &ev) ||
		    strstr(ev.call_site, "[tracer_test]") ||
		    strstr(ev.call_site, "trampoline"))
			continue;
		for (i = 0; i < n; i++)
			if (pids[i] == ev.pid)
				charge_event(&ev, &extra[i]);
	}
	if (!f)
		err = fail("cannot read the trace");
	else
		fclose(f);
	if (!err && trace_overruns())
		err = fail("trace buffer overran");
	tfs_write("events/kmem/kmalloc/enable", "0", O_TRUNC);
	tfs_write("events/kmem/kfree/enable", "0", O_TRUNC);
	tfs_write("events/kmem/kmalloc/filter", "0", O_TRUNC);
	tfs_write("events/kmem/kfree/filter", "0", O_TRUNC);
	tfs_write("trace", "", O_TRUNC);
	tfs_write("tracing_on", "1", O_TRUNC);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracer show --prometheus: the counters in Prometheus' text exposition
 * format (version 0.0.4, what node_exporter's textfile collector reads).
 *
 * One family per counter of src/uapi/tracer_counters.h, named after the
 * function it counts: tracer_<function>_calls_total, or _bytes_total for
 * the byte columns, one sample per process labelled with its pid and comm.
 * One family per attribute of src/uapi/tracer_stats.h: counters end in
 * _total, gauges do not.  tracer_loaded says whether there was a module to
 * read at all: without it, it is the only sample.
 */
#include <string.h>

#include "tracer.h"

static const struct {
	const char *function;
	int bytes;
	const char *help;
} counters[TRACER_NR_COUNTERS] = {
#define TRACER_COUNTER(id, name, function, bytes, help) { function, bytes, help },
#include "../../src/uapi/tracer_counters.h"
#undef TRACER_COUNTER
};

static const struct {
	const char *kind;
	const char *help;
} stats[TRACER_NR_STATS] = {
#define TRACER_STAT(name, kind, help) { kind, help },
#include "../../src/uapi/tracer_stats.h"
#undef TRACER_STAT
};

/*
 * A label value: backslash, double quote and newline escaped, as the format
 * wants.  The format wants UTF-8 too: a comm is any bytes, so bytes
 * outside ASCII are shown as '?'.
 */
static void label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '\\' || c == '"')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c >= 0x7f)
			fputc('?', f);
		else
			fputc(c, f);
	}
}

static void family(FILE *f, const char *name, const char *kind,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind);
}

void fmt_prometheus(FILE *f, const struct tracer_table *t)
{
	char name[128];
	size_t r;
	int i;

	family(f, "tracer_loaded", "gauge",
	       "1 when the tracer module was loaded and /proc/tracer read.");
	fprintf(f, "tracer_loaded %d\n", t ? 1 : 0);
	if (!t)
		return;
	for (i = 0; i < TRACER_NR_COUNTERS; i++) {
		snprintf(name, sizeof(name), "tracer_%s_%s_total",
			 counters[i].function,
			 counters[i].bytes ? "bytes" : "calls");
		family(f, name, "counter", counters[i].help);
		for (r = 0; r < t->n; r++) {
			fprintf(f, "%s{pid=\"%d\",comm=\"", name, t->rows[r].pid);
			label_value(f, t->rows[r].comm);
			fprintf(f, "\"} %llu\n", t->rows[r].v[i]);
		}
	}
	for (i = 0; i < TRACER_NR_STATS; i++) {
		long long v = tracer_read_stat(i);
		int counter = !strcmp(stats[i].kind, "counter");

		if (v < 0)
			continue;
		snprintf(name, sizeof(name), "tracer_%s%s", tracer_stat_names[i],
			 counter ? "_total" : "");
		family(f, name, stats[i].kind, stats[i].help);
		fprintf(f, "%s %lld\n", name, v);
	}
}

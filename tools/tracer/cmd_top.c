// SPDX-License-Identifier: GPL-2.0-only
/* tracer top [-d SECONDS] [-n ITER] [-s COLUMN] */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tracer.h"

struct rate_row {
	int pid;
	char comm[64];
	double r[TRACER_NR_COUNTERS];
};

static int sort_col;	/* -1: PID */

static int cmp_rows(const void *a, const void *b)
{
	const struct rate_row *x = a, *y = b;

	if (sort_col >= 0 && x->r[sort_col] != y->r[sort_col])
		return x->r[sort_col] < y->r[sort_col] ? 1 : -1;
	return x->pid - y->pid;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_rates(FILE *f, struct rate_row *rows, size_t n,
			double interval, const char *sort_name)
{
	char stamp[32];
	time_t t = time(NULL);
	size_t r;
	int i;

	strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&t));
	fprintf(f, "tracer top - %s, %zu processes, interval %.1f s, per second, sorted by %s\n",
		stamp, n, interval, sort_name);
	fprintf(f, "%-8s %-16s", "PID", "COMM");
	for (i = 0; i < TRACER_NR_COUNTERS; i++)
		fprintf(f, " %*s", tracer_counter_is_bytes(i) ? 11 : 9,
			tracer_counter_names[i]);
	fputc('\n', f);
	for (r = 0; r < n; r++) {
		fprintf(f, "%-8d %-16s", rows[r].pid, rows[r].comm);
		for (i = 0; i < TRACER_NR_COUNTERS; i++) {
			char b[32];

			if (tracer_counter_is_bytes(i)) {
				fmt_bytes((unsigned long long)llround(rows[r].r[i]),
					  b, sizeof(b));
				fprintf(f, " %11s", b);
			} else {
				fprintf(f, " %9.0f", rows[r].r[i]);
			}
		}
		fputc('\n', f);
	}
}

static void top_usage(FILE *f)
{
	fprintf(f,
		"usage: tracer top [-d SECONDS] [-n ITER] [-s COLUMN]\n"
		"\n"
		"The monitored processes with their counters per second over each\n"
		"interval (default 1 s), sorted by COLUMN (a counter name, highest\n"
		"first, default sched; or pid).  -n stops after ITER tables.  Without\n"
		"a terminal the tables are printed one after another, without escape\n"
		"codes.\n");
}

int cmd_top(int argc, char **argv)
{
	struct tracer_table prev, cur;
	struct tracer_health h, warned = { 0 };
	const char *sort_name = "sched";
	double delay = 1.0, t0, t1;
	long iters = -1, k;
	int i, tty = isatty(STDOUT_FILENO);

	for (i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			top_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			errno = 0;
			delay = strtod(argv[++i], &end);
			if (*end || errno || !(delay >= 0.01 && delay <= 86400)) {
				errmsg("top: -d takes seconds (0.01 to 86400)");
				return 2;
			}
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			errno = 0;
			iters = strtol(argv[++i], &end, 10);
			if (*end || errno || iters < 1) {
				errmsg("top: -n takes a positive number");
				return 2;
			}
		} else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
			sort_name = argv[++i];
		} else {
			errmsg("top: unknown option '%s'", argv[i]);
			top_usage(stderr);
			return 2;
		}
	}
	sort_col = tracer_counter_index(sort_name);
	if (sort_col < 0 && strcmp(sort_name, "pid")) {
		char names[256] = "";

		for (i = 0; i < TRACER_NR_COUNTERS; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names),
				 " %s", tracer_counter_names[i]);
		errmsg("top: -s takes pid or a counter:%s", names);
		return 2;
	}
	if (read_table(&prev, 0))
		return 1;
	t0 = now();
	for (k = 0; iters < 0 || k < iters; k++) {
		struct timespec ts = {
			(time_t)delay, (long)((delay - (time_t)delay) * 1e9)
		};
		struct rate_row *rows;
		size_t r;

		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		if (read_table(&cur, 1)) {
			tracer_table_free(&prev);
			return 1;
		}
		t1 = now();
		rows = calloc(cur.n ? cur.n : 1, sizeof(*rows));
		if (!rows) {
			errmsg("out of memory");
			return 1;
		}
		for (r = 0; r < cur.n; r++) {
			struct tracer_row *c = &cur.rows[r];
			struct tracer_row *p = tracer_find_row(&prev, c->pid);

			rows[r].pid = c->pid;
			memcpy(rows[r].comm, c->comm, sizeof(rows[r].comm));
			for (i = 0; i < TRACER_NR_COUNTERS; i++) {
				/* New rows: counted from 0 (added this interval). */
				unsigned long long base = p && p->v[i] <= c->v[i] ?
							  p->v[i] : 0;

				rows[r].r[i] = (c->v[i] - base) / (t1 - t0);
			}
		}
		qsort(rows, cur.n, sizeof(*rows), cmp_rows);
		if (tty)
			fputs("\033[H\033[2J", stdout);
		else if (k)
			fputc('\n', stdout);
		print_rates(stdout, rows, cur.n, t1 - t0, sort_name);
		fflush(stdout);
		free(rows);
		tracer_table_free(&prev);
		prev = cur;
		t0 = t1;
		tracer_read_health(&h);
		/* Once, and again only when the numbers grow. */
		if (h.missed != warned.missed ||
		    h.addr_overflows != warned.addr_overflows) {
			tracer_warn_incomplete(&h);
			warned = h;
		}
	}
	tracer_table_free(&prev);
	return 0;
}

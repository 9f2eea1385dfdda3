// SPDX-License-Identifier: GPL-2.0-only
/* Output: the table people read and the JSON programs read. */
#include <signal.h>
#include <string.h>

#include "tracer.h"

/* 512 B, 1.2 KiB, 3.4 MiB, ... (binary units, one decimal). */
void fmt_bytes(unsigned long long v, char *buf, size_t len)
{
	static const char *const units[] = {
		"KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	long double x = v;
	int u = -1;

	if (v < 1024) {
		snprintf(buf, len, "%llu B", v);
		return;
	}
	while (x >= 1024 && u < 5) {
		x /= 1024;
		u++;
	}
	/* 1023.96 KiB would print as "1024.0 KiB": say 1.0 MiB instead. */
	if (x >= 1023.95L && u < 5) {
		x /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1Lf %s", x, units[u]);
}

void fmt_table(FILE *f, const struct tracer_table *t)
{
	size_t r;
	int i;

	fprintf(f, "%-8s %-16s", "PID", "COMM");
	for (i = 0; i < TRACER_NR_COUNTERS; i++)
		fprintf(f, " %*s", tracer_counter_is_bytes(i) ? 11 : 10, tracer_counter_names[i]);
	fputc('\n', f);
	for (r = 0; r < t->n; r++) {
		const struct tracer_row *row = &t->rows[r];
		char comm[sizeof(row->comm)];
		size_t c;

		/* A comm may hold any byte: no control codes on a terminal. */
		for (c = 0; row->comm[c] && c < sizeof(comm) - 1; c++)
			comm[c] = (unsigned char)row->comm[c] < 0x20 ||
				  (unsigned char)row->comm[c] == 0x7f ?
				  '?' : row->comm[c];
		comm[c] = '\0';
		fprintf(f, "%-8d %-16s", row->pid, comm);
		for (i = 0; i < TRACER_NR_COUNTERS; i++) {
			char b[32];

			if (tracer_counter_is_bytes(i)) {
				fmt_bytes(row->v[i], b, sizeof(b));
				fprintf(f, " %11s", b);
			} else {
				fprintf(f, " %10llu", row->v[i]);
			}
		}
		fputc('\n', f);
	}
}

/*
 * A JSON string.  A comm is bytes, not necessarily UTF-8: control bytes
 * and bytes >= 0x80 are written as \u00XX so that the document is always
 * valid JSON.
 */
void fmt_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void fmt_json_counters(FILE *f, const unsigned long long *v)
{
	int i;

	for (i = 0; i < TRACER_NR_COUNTERS; i++)
		fprintf(f, "%s\"%s\": %llu", i ? ", " : "",
			tracer_counter_names[i], v[i]);
}

static void json_ll(FILE *f, long long v)
{
	if (v < 0)
		fputs("null", f);
	else
		fprintf(f, "%lld", v);
}

void fmt_health_json(FILE *f, const struct tracer_health *h)
{
	fputs("\"missed\": ", f);
	json_ll(f, h->missed);
	fputs(", \"addr_overflows\": ", f);
	json_ll(f, h->addr_overflows);
	fputs(", \"armed\": ", f);
	fputs(h->armed < 0 ? "null" : h->armed ? "true" : "false", f);
}

void fmt_json(FILE *f, const struct tracer_table *t,
	      const struct tracer_health *h)
{
	size_t r;

	fputs("{\"processes\": [", f);
	for (r = 0; r < t->n; r++) {
		fprintf(f, "%s\n  {\"pid\": %d, \"comm\": ", r ? "," : "",
			t->rows[r].pid);
		fmt_json_string(f, t->rows[r].comm);
		fputs(", ", f);
		fmt_json_counters(f, t->rows[r].v);
		fputc('}', f);
	}
	fputs(t->n ? "\n ], " : "], ", f);
	fmt_health_json(f, h);
	fputs("}\n", f);
}

/* tracer run: the counters of the command that ran, and how it ended. */
static void fmt_command(FILE *f, char **cmd)
{
	int i;

	for (i = 0; cmd[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", cmd[i]);
}

void fmt_run_human(FILE *f, pid_t pid, char **cmd,
		   const struct run_result *res)
{
	int i;

	fprintf(f, "\n tracer counters for '");
	fmt_command(f, cmd);
	fprintf(f, "' (PID %d, %s):\n\n", pid, res->comm);
	for (i = 0; i < TRACER_NR_COUNTERS; i++) {
		char b[32];

		if (tracer_counter_is_bytes(i)) {
			fmt_bytes(res->v[i], b, sizeof(b));
			fprintf(f, " %14s  %-12s (%llu bytes)\n", b,
				tracer_counter_names[i], res->v[i]);
		} else {
			fprintf(f, " %14llu  %s\n", res->v[i],
				tracer_counter_names[i]);
		}
	}
	if (res->signal)
		fprintf(f, "\n killed by signal %d (SIG%s), exit status %d\n\n",
			res->signal, sigabbrev_np(res->signal) ?: "?",
			res->status);
	else
		fprintf(f, "\n exit status %d\n\n", res->status);
}

void fmt_run_json(FILE *f, pid_t pid, char **cmd,
		  const struct run_result *res, const struct tracer_health *h)
{
	int i;

	fprintf(f, "{\"pid\": %d, \"comm\": ", pid);
	fmt_json_string(f, res->comm);
	fputs(", \"command\": [", f);
	for (i = 0; cmd[i]; i++) {
		if (i)
			fputs(", ", f);
		fmt_json_string(f, cmd[i]);
	}
	fprintf(f, "], \"exit_status\": %d, \"signal\": ", res->status);
	if (res->signal)
		fprintf(f, "%d", res->signal);
	else
		fputs("null", f);
	fputs(", ", f);
	fmt_json_counters(f, res->v);
	fputs(", ", f);
	fmt_health_json(f, h);
	fputs("}\n", f);
}

/* Said where a table would be empty: nothing costs anything now. */
void tracer_note_disarmed(FILE *f, const struct tracer_health *h)
{
	if (!h->armed)
		fputs("(nothing is monitored: the probes are disarmed and cost nothing)\n",
		      f);
}

void tracer_warn_incomplete(const struct tracer_health *h)
{
	if (h->missed > 0 && h->addr_overflows > 0)
		errmsg("warning: numbers are incomplete: %lld events missed, %lld allocations not recorded (raise the module parameters maxactive and addr_table_size)",
		       h->missed, h->addr_overflows);
	else if (h->missed > 0)
		errmsg("warning: numbers are incomplete: %lld events missed (raise the module parameter maxactive)",
		       h->missed);
	else if (h->addr_overflows > 0)
		errmsg("warning: numbers are incomplete: %lld allocations not recorded, their kfree counted 0 bytes (raise the module parameter addr_table_size)",
		       h->addr_overflows);
}

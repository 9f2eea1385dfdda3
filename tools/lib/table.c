// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/tracer: one header line, "PID" and the names of the counters
 * (src/uapi/tracer_counters.h), then one line per monitored process of
 * whitespace-separated decimal integers.  The parser is strict: anything
 * else is an error naming the line, never a guess.  It takes a buffer and
 * a length (the buffer need not be NUL-terminated and may hold any bytes:
 * it is fuzzed).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracer_client.h"

const char *const tracer_counter_names[TRACER_NR_COUNTERS] = {
#define TRACER_COUNTER(id, name, function, bytes, help) name,
#include "../../src/uapi/tracer_counters.h"
#undef TRACER_COUNTER
};

int tracer_counter_is_bytes(int i)
{
	static const char bytes[TRACER_NR_COUNTERS] = {
#define TRACER_COUNTER(id, name, function, bytes, help) bytes,
#include "../../src/uapi/tracer_counters.h"
#undef TRACER_COUNTER
	};

	return i >= 0 && i < TRACER_NR_COUNTERS && bytes[i];
}

int tracer_counter_index(const char *name)
{
	int i;

	for (i = 0; i < TRACER_NR_COUNTERS; i++)
		if (!strcmp(name, tracer_counter_names[i]))
			return i;
	return -1;
}

static int perr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits [p, end) into at most @max fields; returns the count or -1. */
static int split(const char *p, const char *end, const char **start,
		 size_t *flen, int max)
{
	int n = 0;

	while (p < end) {
		while (p < end && is_blank(*p))
			p++;
		if (p == end)
			break;
		if (n == max)
			return max + 1;
		start[n] = p;
		while (p < end && !is_blank(*p))
			p++;
		flen[n] = p - start[n];
		n++;
	}
	return n;
}

/* A decimal u64: 0 ok, -1 not a number, -2 too large. */
int tracer_parse_u64(const char *s, size_t len, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;

	if (!len)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned int d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = s[i] - '0';
		if (v > (ULLONG_MAX - d) / 10)
			return -2;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int check_header(const char *p, const char *end, char *err,
			size_t errlen)
{
	const char *f[TRACER_NR_COUNTERS + 1];
	size_t fl[TRACER_NR_COUNTERS + 1];
	int i, n = split(p, end, f, fl, TRACER_NR_COUNTERS + 1);

	if (n < 1 || fl[0] != 3 || memcmp(f[0], "PID", 3))
		return perr(err, errlen, "line 1: missing header (PID kmalloc ...)");
	if (n != TRACER_NR_COUNTERS + 1)
		return perr(err, errlen, "line 1: header has %d fields, expected %d",
			    n, TRACER_NR_COUNTERS + 1);
	for (i = 0; i < TRACER_NR_COUNTERS; i++) {
		const char *name = tracer_counter_names[i];

		if (fl[i + 1] != strlen(name) || memcmp(f[i + 1], name, fl[i + 1]))
			return perr(err, errlen, "line 1: header field %d is not '%s'",
				    i + 2, name);
	}
	return 0;
}

static int add_row(struct tracer_table *t, const struct tracer_row *r)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct tracer_row *rows;

		if (cap > TRACER_MAX_ROWS)
			return -1;
		rows = realloc(t->rows, cap * sizeof(*rows));
		if (!rows)
			return -1;
		t->rows = rows;
		t->cap = cap;
	}
	t->rows[t->n++] = *r;
	return 0;
}

int tracer_parse(const char *buf, size_t len, struct tracer_table *t,
		 char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len;
	unsigned long line = 0;

	memset(t, 0, sizeof(*t));
	if (!len)
		return perr(err, errlen, "empty file: no header line");
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *f[TRACER_NR_COUNTERS + 1];
		size_t fl[TRACER_NR_COUNTERS + 1];
		struct tracer_row r;
		unsigned long long v;
		int i, n;

		line++;
		if (!nl) {
			perr(err, errlen, "line %lu: truncated (no newline)", line);
			goto fail;
		}
		if (memchr(p, '\0', nl - p)) {
			perr(err, errlen, "line %lu: NUL byte", line);
			goto fail;
		}
		if (line == 1) {
			if (check_header(p, nl, err, errlen))
				goto fail;
			p = nl + 1;
			continue;
		}
		n = split(p, nl, f, fl, TRACER_NR_COUNTERS + 1);
		if (n != TRACER_NR_COUNTERS + 1) {
			perr(err, errlen, "line %lu: %s%d fields, expected %d", line,
			     n > TRACER_NR_COUNTERS + 1 ? "more than " : "",
			     n > TRACER_NR_COUNTERS + 1 ? n - 1 : n,
			     TRACER_NR_COUNTERS + 1);
			goto fail;
		}
		memset(&r, 0, sizeof(r));
		for (i = 0; i <= TRACER_NR_COUNTERS; i++) {
			int rc = tracer_parse_u64(f[i], fl[i], &v);

			if (rc == -1) {
				perr(err, errlen, "line %lu: field %d is not a number",
				     line, i + 1);
				goto fail;
			}
			if (rc == -2 || (i == 0 && v > INT_MAX)) {
				perr(err, errlen, "line %lu: field %d is too large",
				     line, i + 1);
				goto fail;
			}
			if (i == 0)
				r.pid = (int)v;
			else
				r.v[i - 1] = v;
		}
		if (r.pid <= 0) {
			perr(err, errlen, "line %lu: PID is 0", line);
			goto fail;
		}
		if (add_row(t, &r)) {
			perr(err, errlen, "line %lu: too many rows", line);
			goto fail;
		}
		p = nl + 1;
	}
	return 0;
fail:
	tracer_table_free(t);
	return -1;
}

void tracer_table_free(struct tracer_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

struct tracer_row *tracer_find_row(struct tracer_table *t, int pid)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i].pid == pid)
			return &t->rows[i];
	return NULL;
}

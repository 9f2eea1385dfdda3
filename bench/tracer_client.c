// SPDX-License-Identifier: GPL-2.0-only
/* /dev/tracer and /proc/tracer, through the client library (tools/lib). */
#include "bench.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int tracer_fd = -1;

int tracer_set(const pid_t *pids, unsigned int nr, bool add)
{
	unsigned int i;
	int bad = 0;

	for (i = 0; i < nr; i++)
		if (tracer_dev_set(tracer_fd, add, pids[i]))
			bad++;
	return bad;
}

/*
 * Sum of the rows of @pids in /proc/tracer.  Read into one static buffer
 * (no allocation while the file is read: the read itself is counted, and
 * measure() subtracts what one costs, which must not vary), then parsed.
 */
int tracer_rows(const pid_t *pids, unsigned int nr,
		unsigned long long sum[TRACER_NR_COUNTERS])
{
	static char buf[1 << 20];
	struct tracer_table t;
	struct tracer_row *row;
	unsigned int i, found = 0;
	ssize_t len = 0, n;
	char err[256];
	int fd = open(tracer_proc_path(), O_RDONLY | O_CLOEXEC), c;

	memset(sum, 0, sizeof(unsigned long long) * TRACER_NR_COUNTERS);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += n;
	close(fd);
	if (tracer_parse(buf, len, &t, err, sizeof(err))) {
		note("/proc/tracer: %s", err);
		return -1;
	}
	for (i = 0; i < nr; i++) {
		row = tracer_find_row(&t, pids[i]);
		if (!row)
			continue;
		found++;
		for (c = 0; c < TRACER_NR_COUNTERS; c++)
			sum[c] += row->v[c];
	}
	tracer_table_free(&t);
	return found == nr ? 0 : -1;
}

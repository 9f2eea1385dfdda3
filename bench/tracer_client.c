// SPDX-License-Identifier: GPL-2.0-only
/* /dev/tracer and /proc/tracer, as the benchmark uses them. */
#include "bench.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../src/uapi/tracer.h"

const char *const col_names[NR_COLS] = {
#define TRACER_COUNTER(id, name, bytes) name,
#include "../src/uapi/tracer_counters.h"
#undef TRACER_COUNTER
};
const bool col_bytes[NR_COLS] = {
#define TRACER_COUNTER(id, name, bytes) bytes,
#include "../src/uapi/tracer_counters.h"
#undef TRACER_COUNTER
};

int tracer_fd = -1;

int tracer_set(const pid_t *pids, unsigned int nr, bool add)
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
int tracer_rows(const pid_t *pids, unsigned int nr,
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

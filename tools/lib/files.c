// SPDX-License-Identifier: GPL-2.0-only
/*
 * The files of the module: /proc/tracer read whole and parsed, the comm of
 * its processes, and the attributes of /sys/class/misc/tracer.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer_client.h"

/* Test hooks: TRACER_PROC, TRACER_SYSFS, TRACER_DEV name other files. */
const char *tracer_proc_path(void)
{
	const char *p = getenv("TRACER_PROC");

	return p && *p ? p : "/proc/tracer";
}

const char *tracer_sysfs_path(void)
{
	const char *p = getenv("TRACER_SYSFS");

	return p && *p ? p : "/sys/class/misc/tracer";
}

/* The whole of a file; NULL with errno set. */
char *tracer_slurp(const char *path, size_t *lenp)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb) {
				free(buf);
				close(fd);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			close(fd);
			errno = e;
			return NULL;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	*lenp = len;
	return buf;
}

void tracer_comm(int pid, char *buf, size_t len)
{
	char path[64], *text;
	size_t n = 0;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	text = tracer_slurp(path, &n);
	if (!text || !n) {
		snprintf(buf, len, "?");
	} else {
		if (text[n - 1] == '\n')
			n--;
		snprintf(buf, len, "%.*s", (int)n, text);
	}
	free(text);
}

/* Reads and parses /proc/tracer; 0, or -1 with why in @err. */
int tracer_read_table(struct tracer_table *t, int with_comm, char *err,
		      size_t errlen)
{
	const char *path = tracer_proc_path();
	char why[256];
	size_t len = 0, i;
	char *buf = tracer_slurp(path, &len);
	int rc;

	memset(t, 0, sizeof(*t));
	if (!buf) {
		if (errno == ENOENT)
			snprintf(err, errlen, "module not loaded: run modprobe tracer (%s is missing)",
				 path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = tracer_parse(buf, len, t, why, sizeof(why));
	free(buf);
	if (rc) {
		snprintf(err, errlen, "%s: unexpected format: %s", path, why);
		return -1;
	}
	for (i = 0; with_comm && i < t->n; i++)
		tracer_comm(t->rows[i].pid, t->rows[i].comm,
			    sizeof(t->rows[i].comm));
	return 0;
}

const char *const tracer_stat_names[TRACER_NR_STATS] = {
#define TRACER_STAT(name, kind, help) #name,
#include "../../src/uapi/tracer_stats.h"
#undef TRACER_STAT
};

long long tracer_read_stat(enum tracer_stat stat)
{
	char path[512], *text;
	unsigned long long v;
	size_t n = 0;
	long long ret = -1;

	snprintf(path, sizeof(path), "%s/%s", tracer_sysfs_path(),
		 tracer_stat_names[stat]);
	text = tracer_slurp(path, &n);
	if (text && n && text[n - 1] == '\n')
		n--;
	if (text && !tracer_parse_u64(text, n, &v) && v <= LLONG_MAX)
		ret = (long long)v;
	free(text);
	return ret;
}

void tracer_read_health(struct tracer_health *h)
{
	h->missed = tracer_read_stat(S_missed);
	h->addr_overflows = tracer_read_stat(S_addr_overflows);
	h->armed = tracer_read_stat(S_armed);
}

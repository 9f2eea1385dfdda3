/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The user-space client of the tracer module: its device, /proc/tracer and
 * the attributes of /sys/class/misc/tracer.  The tracer command and the
 * benchmark link it; the in-VM tests do not (they keep a reader of their
 * own, so that this one is checked by something it did not write).
 *
 *   table.c   /proc/tracer's format, parsed strictly (fuzzed)
 *   files.c   the module's files, read; process names
 *   device.c  /dev/tracer: open, add, remove, and their errors in words
 *
 * TRACER_PROC, TRACER_SYSFS and TRACER_DEV name other files (tests).
 * Nothing here prints: errors come back as text or errno.
 */
#ifndef TRACER_CLIENT_H
#define TRACER_CLIENT_H

#include <stddef.h>

/* The columns of /proc/tracer after the PID: src/uapi/tracer_counters.h. */
enum tracer_counter {
#define TRACER_COUNTER(id, name, function, bytes, help) T_##id,
#include "../../src/uapi/tracer_counters.h"
#undef TRACER_COUNTER
	TRACER_NR_COUNTERS
};
extern const char *const tracer_counter_names[TRACER_NR_COUNTERS];
int tracer_counter_is_bytes(int i);
int tracer_counter_index(const char *name);	/* -1: no such counter */

/* Refuse tables larger than this many rows (a sanity bound, not a limit). */
#define TRACER_MAX_ROWS (1u << 22)

struct tracer_row {
	int pid;
	unsigned long long v[TRACER_NR_COUNTERS];
	char comm[64];
};

struct tracer_table {
	struct tracer_row *rows;
	size_t n, cap;
};

/* table.c: 0, or -1 with why in @err (the table is then empty). */
int tracer_parse(const char *buf, size_t len, struct tracer_table *t,
		 char *err, size_t errlen);
void tracer_table_free(struct tracer_table *t);
struct tracer_row *tracer_find_row(struct tracer_table *t, int pid);
/* A decimal u64: 0 ok, -1 not a number, -2 too large. */
int tracer_parse_u64(const char *s, size_t len, unsigned long long *out);

/* files.c */
const char *tracer_proc_path(void);
const char *tracer_sysfs_path(void);
char *tracer_slurp(const char *path, size_t *lenp);	/* NULL: errno */
int tracer_read_table(struct tracer_table *t, int with_comm, char *err,
		      size_t errlen);
void tracer_comm(int pid, char *buf, size_t len);

/* The attributes of /sys/class/misc/tracer/: src/uapi/tracer_stats.h. */
enum tracer_stat {
#define TRACER_STAT(name, kind, help) S_##name,
#include "../../src/uapi/tracer_stats.h"
#undef TRACER_STAT
	TRACER_NR_STATS
};
extern const char *const tracer_stat_names[TRACER_NR_STATS];
long long tracer_read_stat(enum tracer_stat stat);	/* -1: unknown */

/*
 * Completeness, /sys/class/misc/tracer/{missed,addr_overflows}, and
 * whether the probes are armed (they are only while something is
 * monitored).
 */
struct tracer_health {
	long long missed;		/* -1: unknown */
	long long addr_overflows;	/* -1: unknown */
	long long armed;		/* -1: unknown (an older module) */
};
void tracer_read_health(struct tracer_health *h);

/* device.c */
const char *tracer_dev_path(void);
int tracer_dev_open(void);	/* fd, or -1 with errno set */
const char *tracer_open_error(int err);
int tracer_dev_set(int fd, int add, int pid);	/* 0, or the errno */
void tracer_set_error(int err, int pid, char *buf, size_t len);

#endif /* TRACER_CLIENT_H */

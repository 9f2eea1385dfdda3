/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tracer: the command-line front end of the tracer kernel module.
 * Shared declarations of its parts.
 */
#ifndef TRACER_CLI_H
#define TRACER_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* The columns of /proc/tracer after the PID: src/uapi/tracer_counters.h. */
enum tracer_counter {
#define TRACER_COUNTER(id, name, bytes) T_##id,
#include "../../src/uapi/tracer_counters.h"
#undef TRACER_COUNTER
	TRACER_NR_COUNTERS
};
extern const char *const tracer_counter_names[TRACER_NR_COUNTERS];
int tracer_counter_is_bytes(int i);

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

/* procfile.c: /proc/tracer, parsed strictly. */
int tracer_parse(const char *buf, size_t len, struct tracer_table *t,
		 char *err, size_t errlen);
void tracer_table_free(struct tracer_table *t);
const char *tracer_proc_path(void);
int tracer_read_table(struct tracer_table *t, int with_comm);
struct tracer_row *tracer_find_row(struct tracer_table *t, int pid);
void tracer_comm(int pid, char *buf, size_t len);
int tracer_counter_index(const char *name);

/* The attributes of /sys/class/misc/tracer/: src/uapi/tracer_stats.h. */
enum tracer_stat {
#define TRACER_STAT(name) S_##name,
#include "../../src/uapi/tracer_stats.h"
#undef TRACER_STAT
	TRACER_NR_STATS
};
extern const char *const tracer_stat_names[TRACER_NR_STATS];

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
void tracer_warn_incomplete(const struct tracer_health *h);
void tracer_note_disarmed(FILE *f, const struct tracer_health *h);

/* What tracer run saw of its command. */
struct run_result {
	int have_row;
	unsigned long long v[TRACER_NR_COUNTERS];
	char comm[64];
	int status;		/* tracer's exit status */
	int signal;		/* killed by this signal, or 0 */
};

/* format.c */
void fmt_bytes(unsigned long long v, char *buf, size_t len);
void fmt_table(FILE *f, const struct tracer_table *t);
void fmt_json_string(FILE *f, const char *s);
void fmt_json_counters(FILE *f, const unsigned long long *v);
void fmt_json(FILE *f, const struct tracer_table *t,
	      const struct tracer_health *h);
void fmt_health_json(FILE *f, const struct tracer_health *h);
void fmt_run_human(FILE *f, pid_t pid, char **cmd,
		   const struct run_result *res);
void fmt_run_json(FILE *f, pid_t pid, char **cmd,
		  const struct run_result *res, const struct tracer_health *h);

/* device.c: /dev/tracer. */
const char *tracer_dev_path(void);
int tracer_dev_open(void);	/* fd, or -1 after printing why */
int tracer_dev_ioctl(int fd, int add, int pid);	/* 0, or -1 after printing */
const char *tracer_open_error(int err);

/* main.c */
extern const char *progname;
void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int parse_pid(const char *s, int *pid);

int cmd_add(int argc, char **argv);
int cmd_remove(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_top(int argc, char **argv);

#endif /* TRACER_CLI_H */

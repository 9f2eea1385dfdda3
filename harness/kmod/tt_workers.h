/* SPDX-License-Identifier: GPL-2.0-only */
/* tracer_test's kernel-thread workers (tt_workers.c). */
#ifndef TT_WORKERS_H
#define TT_WORKERS_H

#include <linux/types.h>

/* "spawn PROGRAM", "go PID", "wait PID", "stop PID": 0 or -errno. */
int tt_command(char *cmd, char *reply, size_t len);
void tt_workers_stop_all(void);

#endif /* TT_WORKERS_H */

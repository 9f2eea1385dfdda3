/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /proc/tracer, the counters of the monitored processes (counters_file.c).
 */
#ifndef _TRACER_COUNTERS_FILE_H
#define _TRACER_COUNTERS_FILE_H

int tracer_counters_file_init(void);
void tracer_counters_file_exit(void);

#endif /* _TRACER_COUNTERS_FILE_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The probes armed only while something is monitored (arming.c).
 */
#ifndef _TRACER_ARMING_H
#define _TRACER_ARMING_H

struct task_struct;

int tracer_add_armed(struct task_struct *task);
void tracer_disarm_later(void);
bool tracer_is_armed(void);
unsigned long tracer_arms(void);
unsigned long tracer_disarms(void);
void tracer_arming_exit(void);

#endif /* _TRACER_ARMING_H */

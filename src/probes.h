/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kretprobes on the seven functions (probes.c).
 */
#ifndef _TRACER_PROBES_H
#define _TRACER_PROBES_H

int tracer_probes_register(void);
void tracer_probes_unregister(void);
int tracer_probes_arm(void);
void tracer_probes_disarm(void);
unsigned long tracer_probes_missed(void);
unsigned long tracer_probes_skipped_nested(void);

#endif /* _TRACER_PROBES_H */

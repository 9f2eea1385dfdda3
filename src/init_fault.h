/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A failure injected at a chosen step of module init (init_fault.c), on
 * kernels built for fault testing only.
 */
#ifndef _TRACER_INIT_FAULT_H
#define _TRACER_INIT_FAULT_H

#ifdef CONFIG_FAULT_INJECTION
int tracer_init_fault(void);
#else
static inline int tracer_init_fault(void)
{
	return 0;
}
#endif

#endif /* _TRACER_INIT_FAULT_H */

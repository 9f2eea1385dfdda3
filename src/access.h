/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Who may trace whom (access.c).
 */
#ifndef _TRACER_ACCESS_H
#define _TRACER_ACCESS_H

struct cred;
struct task_struct;

bool tracer_may_trace(const struct cred *cred, struct task_struct *task);
bool tracer_cred_is_privileged(const struct cred *cred);

#endif /* _TRACER_ACCESS_H */

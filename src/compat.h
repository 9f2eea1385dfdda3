/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every difference between the kernels tracer builds for, in one place.
 *
 * Kbuild.compat tests the kernel's headers and passes one COMPAT_* macro
 * per difference found; each becomes one helper here, so that the rest of
 * the module reads the same on every kernel.  Headers are tested rather
 * than version numbers because distributions backport.  Kernels that differ
 * only in which functions exist need nothing here: probe_list.h lists the
 * functions of every kernel, and registration skips the absent ones; the
 * COMPAT_* macros it tests are documented in Kbuild.compat.
 */
#ifndef _TRACER_COMPAT_H
#define _TRACER_COMPAT_H

/* kvmalloc_array() and kvfree() were declared in <linux/mm.h> before 5.16. */
#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#ifdef COMPAT_TASK_EXEC_STATE
#include <linux/sched/exec_state.h>
#endif

/*
 * Whether @task's owner may read its state without CAP_SYS_PTRACE: the
 * dumpability half of ptrace's access rule.  7.2 moved dumpability from
 * the mm (get_dumpable(), SUID_DUMP_USER) to task->exec_state, and its
 * getter is not exported.  Both keep the rule that a process without an
 * mm (exiting) is not traceable.  Call with task_lock(@task) held.
 */
static inline bool tracer_task_dumpable(struct task_struct *task)
{
#ifdef COMPAT_TASK_EXEC_STATE
	const struct task_exec_state *es;
	bool ok;

	if (!task->mm)
		return false;
	rcu_read_lock();
	es = rcu_dereference(task->exec_state);
	ok = READ_ONCE(es->dumpable) == TASK_DUMPABLE_OWNER;
	rcu_read_unlock();
	return ok;
#else
	return task->mm && get_dumpable(task->mm) == SUID_DUMP_USER;
#endif
}

/*
 * The sched_process_exit tracepoint's probe arguments: 6.16 added the
 * group_dead flag.  A probe of the wrong prototype would be called through
 * a mismatched pointer (a kCFI failure on kernels built with it).
 */
#ifdef COMPAT_EXIT_GROUP_DEAD
#define TRACER_EXIT_PROBE_ARGS void *data, struct task_struct *task, \
			       bool group_dead
#else
#define TRACER_EXIT_PROBE_ARGS void *data, struct task_struct *task
#endif

/*
 * The return address of a function whose kprobe fired at its first
 * instruction: on x86 the top of the stack, on arm64 the link register
 * (pointer authentication signs it only after that instruction).  0 where
 * the architecture is not supported: nested kmalloc entry points are then
 * not recognised (see tracer_called_by_kmalloc()).
 */
#if defined(CONFIG_X86) || defined(CONFIG_ARM64)
#define TRACER_HAVE_ENTRY_CALLER 1
#else
#define TRACER_HAVE_ENTRY_CALLER 0
#endif

static __always_inline unsigned long tracer_entry_caller(struct pt_regs *regs)
{
#if defined(CONFIG_X86)
	return *(unsigned long *)kernel_stack_pointer(regs);
#elif defined(CONFIG_ARM64)
	return procedure_link_pointer(regs);
#else
	return 0;
#endif
}

/* The unbound system workqueue: see COMPAT_SYSTEM_DFL_WQ in Kbuild.compat. */
#ifdef COMPAT_SYSTEM_DFL_WQ
#define tracer_unbound_wq system_dfl_wq
#else
#define tracer_unbound_wq system_unbound_wq
#endif

#endif /* _TRACER_COMPAT_H */

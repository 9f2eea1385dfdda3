/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The monitored processes and their counters (proc_table.c).  In tracer's
 * names "proc" is a monitored process, never procfs: /proc/tracer is
 * counters_file.c.
 */
#ifndef _TRACER_PROC_TABLE_H
#define _TRACER_PROC_TABLE_H

#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/llist.h>
#include <linux/pid.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/types.h>

/* The columns of /proc/tracer after the PID: uapi/tracer_counters.h. */
enum tracer_counter {
#define TRACER_COUNTER(id, name, function, bytes, help) TRACER_##id,
#include "uapi/tracer_counters.h"
#undef TRACER_COUNTER
	TRACER_NR_COUNTERS
};

/*
 * One monitored process (thread group).  Readers find it under RCU; writers
 * hold the table's raw spinlock.  @serial tells apart two processes that had
 * the same PID, so that address-table entries and in-flight kmalloc returns
 * of a dead process are never credited to its successor.
 */
struct tracer_proc {
	struct hlist_node node;
	struct llist_node dead;
	struct pid *pid;
	pid_t tgid;
	u32 serial;
	atomic64_t count[TRACER_NR_COUNTERS];
};

/* 16384 buckets: one entry per bucket on average at 16k monitored PIDs. */
#define TRACER_PROC_HASH_BITS 14

extern struct hlist_head tracer_procs[1 << TRACER_PROC_HASH_BITS];
extern raw_spinlock_t tracer_procs_lock;
extern atomic_t tracer_nr_procs;
/*
 * How many processes ever left the table.  A kmalloc probe reads it (with
 * acquire) before it looks its process up at entry, and again at return:
 * unchanged, no process left in between, so the one found at entry is still
 * in the table and the return need not look it up again.  Changed, it does.
 */
extern atomic_t tracer_procs_gone;
int tracer_proc_table_init(void);
void tracer_proc_table_exit(void);
int tracer_exit_watch(bool on);
/* Call under tracer_arm_lock, armed: tracer_add_armed() does. */
int tracer_proc_add(struct task_struct *task);

/*
 * Call under rcu_read_lock(), with preemption off (an RCU read-side section
 * as well: the probe handlers), or with tracer_procs_lock held.  Inline:
 * every probe hit of a monitored process looks its process up.
 */
static __always_inline struct tracer_proc *tracer_proc_find(pid_t tgid)
{
	struct tracer_proc *proc;

	hash_for_each_possible_rcu(tracer_procs, proc, node, tgid,
				   lockdep_is_held(&tracer_procs_lock))
		if (proc->tgid == tgid)
			return proc;
	return NULL;
}

int tracer_proc_remove(pid_t tgid);
struct tracer_proc *tracer_proc_seek(unsigned int bkt, pid_t min_tgid);
struct tracer_proc *tracer_proc_next(struct tracer_proc *proc);
unsigned int tracer_proc_bucket(const struct tracer_proc *proc);

/*
 * Whether the current event may be charged to a process at all.  This is the
 * hot path of every probe: an event from interrupt or softirq context belongs
 * to no process, and while nothing is monitored the reject is one read of a
 * read-mostly counter, with no lock and no table lookup.
 */
static __always_inline bool tracer_may_charge(void)
{
	return in_task() && atomic_read(&tracer_nr_procs);
}

#endif /* _TRACER_PROC_TABLE_H */

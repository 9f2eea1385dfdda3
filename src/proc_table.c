// SPDX-License-Identifier: GPL-2.0-only
/*
 * The table of monitored processes, keyed by thread-group ID.
 *
 * Probe handlers look processes up under RCU without taking any lock.  Adds,
 * removals and exits take a raw spinlock: exits are seen from the
 * sched_process_exit tracepoint, which runs with preemption disabled, where a
 * spinlock_t would sleep on PREEMPT_RT.  A removed process is freed by a
 * worker after a grace period, together with its address-table entries.
 */
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>
#include <trace/events/sched.h>

#include "addr_table.h"
#include "arming.h"
#include "compat.h"
#include "proc_table.h"

static unsigned int max_processes = 32768;
module_param(max_processes, uint, 0644);
MODULE_PARM_DESC(max_processes,
		 "Most processes monitored at once; more gives ENOSPC (default 32768)");

DEFINE_HASHTABLE(tracer_procs, TRACER_PROC_HASH_BITS);
DEFINE_RAW_SPINLOCK(tracer_procs_lock);
atomic_t tracer_nr_procs = ATOMIC_INIT(0);
atomic_t tracer_procs_gone = ATOMIC_INIT(0);
static atomic_t tracer_serial = ATOMIC_INIT(0);

static LLIST_HEAD(tracer_dead_procs);
static void tracer_reap(struct work_struct *work);
static DECLARE_WORK(tracer_reap_work, tracer_reap);

static struct tracepoint *tracer_exit_tp;

/*
 * Unlink @tgid's entry (only if its serial is *@only, when given) and hand
 * it to the reaper.  Returns whether an entry was unlinked.
 */
static bool tracer_proc_unlink(pid_t tgid, const u32 *only)
{
	struct tracer_proc *proc;
	bool emptied = false;

	raw_spin_lock(&tracer_procs_lock);
	proc = tracer_proc_find(tgid);
	if (proc && (!only || proc->serial == *only)) {
		hash_del_rcu(&proc->node);
		/* Ordered after the unlink: see tracer_procs_gone in proc_table.h. */
		smp_mb__before_atomic();
		atomic_inc(&tracer_procs_gone);
		emptied = atomic_dec_and_test(&tracer_nr_procs);
		llist_add(&proc->dead, &tracer_dead_procs);
	} else {
		proc = NULL;
	}
	raw_spin_unlock(&tracer_procs_lock);

	if (proc)
		queue_work(tracer_unbound_wq, &tracer_reap_work);
	if (emptied)
		tracer_disarm_later();
	return proc;
}

int tracer_proc_add(struct task_struct *task)
{
	struct tracer_proc *proc;
	pid_t tgid = task->tgid;
	u32 serial;
	int err = 0;

	proc = kzalloc(sizeof(*proc), GFP_KERNEL);
	if (!proc)
		return -ENOMEM;
	serial = (u32)atomic_inc_return(&tracer_serial);
	proc->pid = get_task_pid(task, PIDTYPE_TGID);
	proc->tgid = tgid;
	proc->serial = serial;

	raw_spin_lock(&tracer_procs_lock);
	if (tracer_proc_find(tgid)) {
		err = -EEXIST;
	} else if (atomic_read(&tracer_nr_procs) >= READ_ONCE(max_processes)) {
		err = -ENOSPC;
	} else {
		hash_add_rcu(tracer_procs, &proc->node, tgid);
		atomic_inc(&tracer_nr_procs);
	}
	raw_spin_unlock(&tracer_procs_lock);
	if (err) {
		put_pid(proc->pid);
		kfree(proc);
		return err;
	}

	/*
	 * A process whose last thread is already past the exit tracepoint
	 * would never leave the table.  do_exit() decrements signal->live
	 * (a full barrier) before the tracepoint looks the process up, so
	 * either we see live == 0 here or the tracepoint sees our entry.
	 */
	smp_mb();
	if (!atomic_read(&task->signal->live)) {
		/*
		 * Once published, @proc is not ours: an exit or a remove may
		 * have unlinked it, and the reaper freed it, since the unlock
		 * (KASAN saw exactly that).  Only the serial names it now.
		 */
		tracer_proc_unlink(tgid, &serial);
		return -ESRCH;
	}
	return 0;
}

int tracer_proc_remove(pid_t tgid)
{
	return tracer_proc_unlink(tgid, NULL) ? 0 : -ENOENT;
}

/* Runs for every exiting thread; only the last thread of a group matters. */
static void tracer_on_process_exit(TRACER_EXIT_PROBE_ARGS)
{
	bool monitored;

	if (!atomic_read(&tracer_nr_procs) || atomic_read(&task->signal->live))
		return;
	rcu_read_lock();
	monitored = tracer_proc_find(task->tgid);
	rcu_read_unlock();
	if (monitored)
		tracer_proc_unlink(task->tgid, NULL);
}

static int tracer_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Free removed processes.  After the grace period no probe handler can still
 * see them, so no kmalloc return handler can add an address entry owned by
 * one of them: purging their entries now is final.
 */
static void tracer_reap(struct work_struct *work)
{
	struct llist_node *dead = llist_del_all(&tracer_dead_procs);
	struct tracer_proc *proc, *next;
	size_t nr = 0, i = 0;
	u32 *serials;

	if (!dead)
		return;
	synchronize_rcu();

	llist_for_each_entry(proc, dead, dead)
		nr++;
	serials = kvmalloc_array(nr, sizeof(*serials), GFP_KERNEL);
	if (serials) {
		llist_for_each_entry(proc, dead, dead)
			serials[i++] = proc->serial;
		sort(serials, nr, sizeof(*serials), tracer_cmp_u32, NULL);
		tracer_addr_purge(serials, nr);
		kvfree(serials);
	}

	llist_for_each_entry_safe(proc, next, dead, dead) {
		if (!serials)
			tracer_addr_purge(&proc->serial, 1);
		put_pid(proc->pid);
		kfree(proc);
	}
}

/*
 * Iteration for /proc/tracer, under rcu_read_lock().  A reader resumes from
 * a key, (bucket, tgid), not from an ordinal: rows removed between two
 * read() calls must not make it skip a row that is still there.  Within a
 * bucket, rows go by increasing tgid.
 */
static struct tracer_proc *
tracer_proc_in_bucket(unsigned int bkt, pid_t min_tgid)
{
	struct tracer_proc *proc, *best = NULL;

	hlist_for_each_entry_rcu(proc, &tracer_procs[bkt], node)
		if (proc->tgid >= min_tgid && (!best || proc->tgid < best->tgid))
			best = proc;
	return best;
}

/* The first row at or after key (@bkt, @min_tgid). */
struct tracer_proc *tracer_proc_seek(unsigned int bkt, pid_t min_tgid)
{
	struct tracer_proc *proc;

	for (; bkt < HASH_SIZE(tracer_procs); bkt++, min_tgid = 0) {
		proc = tracer_proc_in_bucket(bkt, min_tgid);
		if (proc)
			return proc;
	}
	return NULL;
}

unsigned int tracer_proc_bucket(const struct tracer_proc *proc)
{
	return hash_min(proc->tgid, TRACER_PROC_HASH_BITS);
}

struct tracer_proc *tracer_proc_next(struct tracer_proc *proc)
{
	return tracer_proc_seek(tracer_proc_bucket(proc), proc->tgid + 1);
}

static void tracer_find_exit_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_process_exit"))
		*(struct tracepoint **)priv = tp;
}

int tracer_proc_table_init(void)
{
	/* The probe's prototype is the tracepoint's: a mismatch does not build. */
	check_trace_callback_type_sched_process_exit(tracer_on_process_exit);
	for_each_kernel_tracepoint(tracer_find_exit_tp, &tracer_exit_tp);
	if (!tracer_exit_tp) {
		pr_err("no sched_process_exit tracepoint\n");
		return -ENOENT;
	}
	return 0;
}

/* Exits are watched while armed, from before the first add (arming.c). */
int tracer_exit_watch(bool on)
{
	if (on)
		return tracepoint_probe_register(tracer_exit_tp,
						 tracer_on_process_exit, NULL);
	return tracepoint_probe_unregister(tracer_exit_tp,
					   tracer_on_process_exit, NULL);
}

/*
 * Call after every probe and the exit tracepoint are gone (disarmed):
 * nothing may look processes up anymore.
 */
void tracer_proc_table_exit(void)
{
	struct tracer_proc *proc;
	struct hlist_node *tmp;
	unsigned int bkt;

	raw_spin_lock(&tracer_procs_lock);
	hash_for_each_safe(tracer_procs, bkt, tmp, proc, node) {
		hash_del_rcu(&proc->node);
		/* Ordered after the unlink, as in tracer_proc_unlink(). */
		smp_mb__before_atomic();
		atomic_inc(&tracer_procs_gone);
		atomic_dec(&tracer_nr_procs);
		llist_add(&proc->dead, &tracer_dead_procs);
	}
	raw_spin_unlock(&tracer_procs_lock);

	queue_work(tracer_unbound_wq, &tracer_reap_work);
	flush_work(&tracer_reap_work);
}

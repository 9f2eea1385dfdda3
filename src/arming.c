// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arming on demand: the probes are registered at load, disabled, and
 * enabled only while some process is monitored.  A disabled kprobe leaves
 * its function's text as it was, so a loaded tracer that monitors nothing
 * costs the system nothing, as bpftrace and perf cost nothing when they do
 * not run.  Registration at load still fails the load, with a message, on
 * a kernel that lacks a probed function.
 *
 * tracer_arm_lock orders every transition.  An add arms, then puts its
 * process in the table, both under the lock, so nothing of that process is
 * missed.  The table empties in atomic context (a remove, an exit), which
 * only schedules the disarm, disarm_delay_ms later; the disarm takes the
 * lock and disarms only if the table is still empty.  Adds fill the table
 * under the lock alone, so an add racing a disarm ends armed: it comes
 * first and the disarm sees its process, or it comes after and arms again.
 *
 * Disarmed, no kfree() is seen and address entries would go stale, so the
 * address table lives only while armed: it is freed once the probes are
 * disabled and every handler that may still run has returned, and made
 * anew, empty, before they are enabled.  The exit tracepoint follows the
 * probes: with nothing monitored there is no exit to watch.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include "addr_table.h"
#include "arming.h"
#include "compat.h"
#include "probes.h"
#include "proc_table.h"

/* "A few seconds at most": a longer delay is clamped to this. */
#define TRACER_DISARM_DELAY_MAX_MS 10000U

static unsigned int disarm_delay_ms = 2000;
module_param(disarm_delay_ms, uint, 0644);
MODULE_PARM_DESC(disarm_delay_ms,
		 "Milliseconds the table stays empty before the probes are disarmed, at most 10000 (default 2000)");

static DEFINE_MUTEX(tracer_arm_lock);
static bool tracer_armed;
static unsigned long tracer_nr_arms, tracer_nr_disarms;

static void tracer_disarm_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(tracer_disarm_work, tracer_disarm_work_fn);

static int tracer_arm_locked(void)
{
	int err;

	lockdep_assert_held(&tracer_arm_lock);
	if (tracer_armed)
		return 0;
	err = tracer_addr_table_alloc();
	if (err)
		return err;
	err = tracer_exit_watch(true);
	if (err)
		goto err_table;
	err = tracer_probes_arm();
	if (err)
		goto err_watch;
	WRITE_ONCE(tracer_armed, true);
	WRITE_ONCE(tracer_nr_arms, tracer_nr_arms + 1);
	return 0;

err_watch:
	tracer_exit_watch(false);
err_table:
	synchronize_rcu();
	tracer_addr_table_free();
	return err;
}

/*
 * Disable every probe and the exit tracepoint, wait until no handler that
 * began while armed still runs, and free the address table.  At unload
 * the wait is tracepoint_synchronize_unregister(), a grace period for
 * the exit tracepoint's callers as well, so that none is left to queue
 * the disarm work again.
 */
static void tracer_disarm_locked(bool unloading)
{
	lockdep_assert_held(&tracer_arm_lock);
	if (!tracer_armed)
		return;
	tracer_probes_disarm();
	tracer_exit_watch(false);
	/*
	 * Probe handlers run with preemption or interrupts off: after a
	 * grace period none that began while armed is still running.  The
	 * kmalloc return handlers that may fire later belong to processes
	 * that left the table, and those never touch the address table.
	 */
	if (unloading)
		tracepoint_synchronize_unregister();
	else
		synchronize_rcu();
	tracer_addr_table_free();
	WRITE_ONCE(tracer_armed, false);
	WRITE_ONCE(tracer_nr_disarms, tracer_nr_disarms + 1);
}

static void tracer_disarm_work_fn(struct work_struct *work)
{
	mutex_lock(&tracer_arm_lock);
	if (!atomic_read(&tracer_nr_procs))
		tracer_disarm_locked(false);
	mutex_unlock(&tracer_arm_lock);
}

/* The table just emptied: disarm once it has stayed empty for the delay. */
void tracer_disarm_later(void)
{
	unsigned int ms = min(READ_ONCE(disarm_delay_ms),
			      TRACER_DISARM_DELAY_MAX_MS);

	mod_delayed_work(tracer_unbound_wq, &tracer_disarm_work,
			 msecs_to_jiffies(ms));
}

/* Monitor @task: arm first, so that its first event after this is seen. */
int tracer_add_armed(struct task_struct *task)
{
	int err;

	mutex_lock(&tracer_arm_lock);
	err = tracer_arm_locked();
	if (!err)
		err = tracer_proc_add(task);
	mutex_unlock(&tracer_arm_lock);
	/* Armed for nothing: the first add failed. */
	if (err && !atomic_read(&tracer_nr_procs))
		tracer_disarm_later();
	return err;
}

bool tracer_is_armed(void)
{
	return READ_ONCE(tracer_armed);
}

unsigned long tracer_arms(void)
{
	return READ_ONCE(tracer_nr_arms);
}

unsigned long tracer_disarms(void)
{
	return READ_ONCE(tracer_nr_disarms);
}

/*
 * At unload, after /dev/tracer is gone (no more adds) and before the
 * probes are unregistered.  Once disarmed, nothing can queue the disarm
 * work again: no exit callback is left running.
 */
void tracer_arming_exit(void)
{
	mutex_lock(&tracer_arm_lock);
	tracer_disarm_locked(true);
	mutex_unlock(&tracer_arm_lock);
	cancel_delayed_work_sync(&tracer_disarm_work);
}

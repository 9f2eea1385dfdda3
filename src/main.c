// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracer: per-process counters of kmalloc, kfree, schedule, up,
 * down_interruptible, mutex_lock and mutex_unlock.
 *
 * Setup goes from the inside out, so that nothing can reach a part that is
 * not ready: the process table first, then the probes that fill it
 * (registered disarmed: the first add arms them, see arming.c), then
 * /proc/tracer that shows it, and /dev/tracer, the only way to add a
 * process, last.  Teardown is the exact reverse, disarming before the
 * probes go.
 *
 * The parts, each with its header, included only by the parts that use it:
 *   proc_table     the monitored processes and their counters
 *   addr_table     address -> requested size, to charge kfree with bytes
 *   probes         the kretprobes on the seven functions (probe_list.h)
 *   handlers       what the probes do when they fire
 *   arming         the probes armed only while something is monitored
 *   counters_file  /proc/tracer
 *   device         /dev/tracer and its ioctls
 *   access         who may trace whom
 *   stats          /sys/class/misc/tracer
 *   compat         every difference between kernel versions (Kbuild.compat)
 *   init_fault     a failure injected at a chosen step, for the tests
 */
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "addr_table.h"
#include "arming.h"
#include "counters_file.h"
#include "device.h"
#include "init_fault.h"
#include "probes.h"
#include "proc_table.h"
#include "uapi/tracer.h"

static int __init tracer_init(void)
{
	int err;

	tracer_addr_table_init();
	err = tracer_init_fault() ?: tracer_proc_table_init();
	if (err)
		return err;
	err = tracer_init_fault() ?: tracer_probes_register();
	if (err)
		goto err_proc_table;
	err = tracer_init_fault() ?: tracer_counters_file_init();
	if (err)
		goto err_probes;
	err = tracer_init_fault() ?: tracer_device_init();
	if (err)
		goto err_counters_file;
	return 0;

err_counters_file:
	tracer_counters_file_exit();
err_probes:
	tracer_probes_unregister();
err_proc_table:
	tracer_proc_table_exit();
	return err;
}

static void __exit tracer_exit(void)
{
	tracer_device_exit();
	tracer_counters_file_exit();
	tracer_arming_exit();
	tracer_probes_unregister();
	tracer_proc_table_exit();
}

module_init(tracer_init);
module_exit(tracer_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("tracer-dkms developers");
MODULE_DESCRIPTION("Per-process counters of kmalloc, kfree, schedule, semaphore and mutex calls");
MODULE_VERSION(TRACER_VERSION);
MODULE_ALIAS_MISCDEV(TRACER_DEV_MINOR);
MODULE_ALIAS("devname:" TRACER_DEV_NAME);

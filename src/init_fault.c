// SPDX-License-Identifier: GPL-2.0-only
/*
 * fail_init_step=N fails the Nth step of module init with -ENOMEM, so that
 * every unwinding path of tracer_init() runs in the tests, as i915's
 * inject_probe_failure does for its probe.  A step is each part that
 * main.c sets up and each probe that probes.c registers.  Failures of
 * allocations are failslab's to inject; this reaches the failures that are
 * not allocations (a function that cannot be probed, a taken minor) and
 * every step's unwinding with nothing else failing.
 *
 * Built only into kernels with CONFIG_FAULT_INJECTION, which distribution
 * kernels do not enable: the parameter does not exist for users.
 */
#include <linux/errno.h>
#include <linux/module.h>

#include "init_fault.h"

static unsigned int fail_init_step;
module_param(fail_init_step, uint, 0400);
MODULE_PARM_DESC(fail_init_step,
		 "Fail step N of module init with -ENOMEM, for fault-injection tests (default 0: none)");

static unsigned int tracer_init_steps;

int tracer_init_fault(void)
{
	if (++tracer_init_steps != fail_init_step)
		return 0;
	pr_info("failing init step %u, as fail_init_step asks\n",
		fail_init_step);
	return -ENOMEM;
}

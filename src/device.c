// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/tracer (misc, 10:42): TRACER_ADD_PROCESS and TRACER_REMOVE_PROCESS,
 * with the PID by value as the argument.  The errors are listed in
 * uapi/tracer.h.  32-bit callers use the same request numbers (pid_t is 32
 * bits everywhere) and a value argument, so compat_ioctl is the same
 * function.
 *
 * A PID names a process in the caller's PID namespace.  A thread ID that is
 * not its group's leader is refused with EINVAL: rows are per process, and
 * silently adding the whole process under another number would surprise a
 * script that looks for its row by the ID it passed.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include "access.h"
#include "arming.h"
#include "device.h"
#include "proc_table.h"
#include "stats.h"
#include "uapi/tracer.h"

/* The process @nr names in the caller's namespace, with a reference. */
static struct task_struct *tracer_get_task(pid_t nr)
{
	struct task_struct *task;

	rcu_read_lock();
	task = pid_task(find_vpid(nr), PIDTYPE_PID);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}

static bool tracer_caller_may_trace(struct task_struct *task)
{
	return capable(CAP_SYS_PTRACE) || capable(CAP_SYS_ADMIN) ||
	       tracer_may_trace(current_cred(), task);
}

static long tracer_add_process(pid_t nr)
{
	struct task_struct *task;
	long err;

	if (nr <= 0)
		return -EINVAL;
	task = tracer_get_task(nr);
	if (!task)
		return -ESRCH;
	if (!thread_group_leader(task))
		err = -EINVAL;
	else if (!tracer_caller_may_trace(task))
		err = -EPERM;
	else
		err = tracer_add_armed(task);
	put_task_struct(task);
	return err;
}

static long tracer_remove_process(pid_t nr)
{
	struct task_struct *task;
	long err;

	if (nr <= 0)
		return -EINVAL;
	task = tracer_get_task(nr);
	/* A thread that is not a leader never has a row of its own. */
	if (!task || !thread_group_leader(task))
		err = -ENOENT;
	else if (!tracer_caller_may_trace(task))
		err = -EPERM;
	else
		err = tracer_proc_remove(task->tgid);
	if (task)
		put_task_struct(task);
	return err;
}

static long tracer_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	switch (cmd) {
	case TRACER_ADD_PROCESS:
		return tracer_add_process((pid_t)arg);
	case TRACER_REMOVE_PROCESS:
		return tracer_remove_process((pid_t)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations tracer_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = tracer_ioctl,
	.compat_ioctl = tracer_ioctl,
	.llseek = noop_llseek,
};

/* udev gives the node root:tracer 0660; until then only root opens it. */
static struct miscdevice tracer_misc = {
	.minor = TRACER_DEV_MINOR,
	.name = TRACER_DEV_NAME,
	.fops = &tracer_fops,
	.mode = 0600,
	.groups = tracer_stats_groups,
};

int tracer_device_init(void)
{
	return misc_register(&tracer_misc);
}

void tracer_device_exit(void)
{
	misc_deregister(&tracer_misc);
}

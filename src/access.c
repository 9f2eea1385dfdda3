// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who may trace whom.
 *
 * Counting a process's kernel operations reveals about as much as reading
 * its /proc/PID/stat and schedstat, which the kernel guards with ptrace
 * access checks.  ptrace_may_access() is not exported to modules, so this is
 * the rule it applies in PTRACE_MODE_READ_REALCREDS mode, minus the LSM hook:
 * the caller's real uid and gid match the target's real, effective and saved
 * ids, and the target is dumpable.  Kernel threads are never traceable this
 * way.  Callers with CAP_SYS_PTRACE or CAP_SYS_ADMIN (checked by the caller
 * of this function) may trace anything.
 */
#include <linux/cred.h>
#include <linux/sched/task.h>

#include "access.h"
#include "compat.h"

bool tracer_may_trace(const struct cred *cred, struct task_struct *task)
{
	const struct cred *tcred;
	bool ok;

	if (task->flags & PF_KTHREAD)
		return false;

	rcu_read_lock();
	tcred = __task_cred(task);
	ok = uid_eq(cred->uid, tcred->euid) && uid_eq(cred->uid, tcred->suid) &&
	     uid_eq(cred->uid, tcred->uid) && gid_eq(cred->gid, tcred->egid) &&
	     gid_eq(cred->gid, tcred->sgid) && gid_eq(cred->gid, tcred->gid);
	rcu_read_unlock();
	if (!ok)
		return false;

	/* As __ptrace_may_access(): creds before dumpability (commit_creds()). */
	smp_rmb();
	task_lock(task);
	ok = tracer_task_dumpable(task);
	task_unlock(task);
	return ok;
}

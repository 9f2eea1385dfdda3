// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/tracer: a header line, then one line per monitored process, the PID
 * and then the counters in the order of uapi/tracer_counters.h.  seq_file
 * walks the table under RCU, so any number of rows can be read while
 * processes are added and removed; a row is never torn, but counters keep
 * moving.
 *
 * PIDs are shown as the reader's PID namespace numbers them; a process that
 * namespace cannot see is not shown.  A reader without CAP_SYS_PTRACE or
 * CAP_SYS_ADMIN sees only the processes it could add itself (access.c): the
 * counts of another user's process are a side channel (for example keystroke
 * timing from sched or kmalloc counts), as ptrace-protected /proc files are.
 */
#include <linux/capability.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "access.h"
#include "counters_file.h"
#include "proc_table.h"

static const char *const tracer_counter_names[TRACER_NR_COUNTERS] = {
#define TRACER_COUNTER(id, name, function, bytes, help) name,
#include "uapi/tracer_counters.h"
#undef TRACER_COUNTER
};

/* Aligned for people; readers only rely on whitespace between fields. */
#define TRACER_PID_WIDTH 8
#define TRACER_COUNT_WIDTH 12

/*
 * *pos is 0 for the header, then the key of the row to show next:
 * (bucket + 1) << 32 | tgid.  Resuming from a key, not from an ordinal,
 * keeps a reader from skipping a live row when earlier rows go away
 * between two read() calls.
 */
static loff_t tracer_seq_key(const struct tracer_proc *proc)
{
	if (!proc)
		return LLONG_MAX;
	return (loff_t)(tracer_proc_bucket(proc) + 1) << 32 | (u32)proc->tgid;
}

static void *tracer_seq_start(struct seq_file *m, loff_t *pos)
	__acquires(RCU)
{
	struct tracer_proc *proc;

	rcu_read_lock();
	if (!*pos)
		return SEQ_START_TOKEN;
	if (*pos == LLONG_MAX)
		return NULL;
	proc = tracer_proc_seek((*pos >> 32) - 1, (pid_t)(u32)*pos);
	*pos = tracer_seq_key(proc);
	return proc;
}

static void *tracer_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct tracer_proc *proc;

	proc = v == SEQ_START_TOKEN ? tracer_proc_seek(0, 0) :
				      tracer_proc_next(v);
	*pos = tracer_seq_key(proc);
	return proc;
}

static void tracer_seq_stop(struct seq_file *m, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static bool tracer_reader_may_see(const struct file *file,
				  struct tracer_proc *proc)
{
	struct task_struct *task;

	if (file_ns_capable(file, &init_user_ns, CAP_SYS_PTRACE) ||
	    file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return true;
	task = pid_task(proc->pid, PIDTYPE_TGID);
	return task && tracer_may_trace(file->f_cred, task);
}

static int tracer_seq_show(struct seq_file *m, void *v)
{
	struct tracer_proc *proc = v;
	unsigned int i;
	pid_t nr;

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "%-*s", TRACER_PID_WIDTH, "PID");
		for (i = 0; i < TRACER_NR_COUNTERS; i++)
			seq_printf(m, " %*s", TRACER_COUNT_WIDTH,
				   tracer_counter_names[i]);
		seq_putc(m, '\n');
		return 0;
	}

	nr = pid_nr_ns(proc->pid, proc_pid_ns(file_inode(m->file)->i_sb));
	if (!nr || !tracer_reader_may_see(m->file, proc))
		return SEQ_SKIP;
	seq_printf(m, "%-*d", TRACER_PID_WIDTH, nr);
	for (i = 0; i < TRACER_NR_COUNTERS; i++)
		seq_printf(m, " %*llu", TRACER_COUNT_WIDTH,
			   (u64)atomic64_read(&proc->count[i]));
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations tracer_seq_ops = {
	.start = tracer_seq_start,
	.next = tracer_seq_next,
	.stop = tracer_seq_stop,
	.show = tracer_seq_show,
};

static struct proc_dir_entry *tracer_proc_entry;

int tracer_counters_file_init(void)
{
	tracer_proc_entry = proc_create_seq("tracer", 0444, NULL,
					    &tracer_seq_ops);
	return tracer_proc_entry ? 0 : -ENOMEM;
}

void tracer_counters_file_exit(void)
{
	proc_remove(tracer_proc_entry);
}

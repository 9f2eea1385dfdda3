// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracer_test's workers: kernel threads that each run one program when
 * told to ("spawn", "go", "wait", "stop" written to /proc/tracer_test).
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mm.h>		/* kvzalloc() and kvfree() before 5.16 */
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tt_program.h"
#include "tt_workers.h"

struct tt_worker {
	struct list_head node;
	struct task_struct *task;
	struct tt_program program;
	struct tt_context ctx;
	bool go, finished, stop, asleep;
	unsigned int post_waits;
	int err;
};

static DEFINE_MUTEX(tt_workers_lock);
static LIST_HEAD(tt_workers);

/* Sleep until *@flag, counting the schedule() calls in @waits. */
static void tt_sleep_until(struct tt_worker *w, bool *flag,
			   unsigned int *waits)
{
	for (;;) {
		set_current_state(TASK_IDLE);
		/* "stop" also ends the wait for "go": the worker never ran. */
		if (READ_ONCE(*flag) || READ_ONCE(w->stop))
			break;
		if (waits)
			WRITE_ONCE(*waits, *waits + 1);
		WRITE_ONCE(w->asleep, true);
		schedule();
		WRITE_ONCE(w->asleep, false);
	}
	__set_current_state(TASK_RUNNING);
}

static int tt_worker_fn(void *data)
{
	struct tt_worker *w = data;

	tt_sleep_until(w, &w->go, NULL);
	if (!READ_ONCE(w->stop))
		w->err = tt_run(&w->program, &w->ctx);
	WRITE_ONCE(w->finished, true);
	tt_sleep_until(w, &w->stop, &w->post_waits);
	tt_free_oldest(&w->ctx.blocks, TT_MAX_BLOCKS);
	return 0;
}

/*
 * Wait until @w is off its CPU inside schedule(): from then on it makes no
 * call that tracer counts until it is woken.
 */
static int tt_wait_asleep(struct tt_worker *w, bool need_finished)
{
	unsigned int ms;

	for (ms = 0; ms < 20000; ms++) {
		if ((!need_finished || READ_ONCE(w->finished)) &&
		    READ_ONCE(w->asleep) && !READ_ONCE(w->task->on_rq))
			return 0;
		usleep_range(1000, 2000);
	}
	return -ETIMEDOUT;
}

/*
 * Stopped means exited, as after waitpid(): kthread_stop() returns when the
 * worker releases its mm, which do_exit() does before the
 * sched_process_exit tracepoint where tracer drops the process, so wait on
 * until exit_notify() has set exit_state.
 */
static void tt_worker_stop(struct tt_worker *w)
{
	unsigned int ms;

	WRITE_ONCE(w->stop, true);
	wake_up_process(w->task);
	kthread_stop(w->task);
	for (ms = 0; ms < 20000 && !READ_ONCE(w->task->exit_state); ms++)
		usleep_range(1000, 2000);
	if (!READ_ONCE(w->task->exit_state))
		pr_warn("worker %d is not past exit_notify() after 20 s\n",
			task_pid_nr(w->task));
	put_task_struct(w->task);
	kvfree(w);
}

static int tt_spawn(char *program, char *reply, size_t len)
{
	struct tt_worker *w;
	int err;

	w = kvzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	tt_context_init(&w->ctx);
	w->ctx.stop = &w->stop;
	err = tt_parse(program, &w->program);
	if (err)
		goto free;
	w->task = kthread_create(tt_worker_fn, w, "tt_worker");
	if (IS_ERR(w->task)) {
		err = PTR_ERR(w->task);
		goto free;
	}
	get_task_struct(w->task);
	wake_up_process(w->task);
	err = tt_wait_asleep(w, false);
	mutex_lock(&tt_workers_lock);
	list_add(&w->node, &tt_workers);
	mutex_unlock(&tt_workers_lock);
	if (err)
		return err;
	snprintf(reply, len, "%d\n", task_pid_nr(w->task));
	return 0;
free:
	kvfree(w);
	return err;
}

static struct tt_worker *tt_find(pid_t nr)
{
	struct tt_worker *w;

	list_for_each_entry(w, &tt_workers, node)
		if (task_pid_nr(w->task) == nr)
			return w;
	return NULL;
}

int tt_command(char *cmd, char *reply, size_t len)
{
	char *verb = strsep(&cmd, " ");
	struct tt_worker *w;
	int err = 0, nr;

	if (!cmd)
		return -EINVAL;
	if (!strcmp(verb, "spawn"))
		return tt_spawn(cmd, reply, len);
	if (kstrtoint(strim(cmd), 10, &nr))
		return -EINVAL;

	mutex_lock(&tt_workers_lock);
	w = tt_find(nr);
	if (!w) {
		err = -ESRCH;
	} else if (!strcmp(verb, "go")) {
		WRITE_ONCE(w->go, true);
		wake_up_process(w->task);
	} else if (!strcmp(verb, "wait")) {
		err = tt_wait_asleep(w, true) ?: w->err;
		if (!err)
			snprintf(reply, len, "%u\n", READ_ONCE(w->post_waits));
	} else if (!strcmp(verb, "stop")) {
		list_del(&w->node);
		tt_worker_stop(w);
	} else {
		err = -EINVAL;
	}
	mutex_unlock(&tt_workers_lock);
	return err;
}

void tt_workers_stop_all(void)
{
	struct tt_worker *w, *tmp;

	list_for_each_entry_safe(w, tmp, &tt_workers, node) {
		list_del(&w->node);
		tt_worker_stop(w);
	}
}

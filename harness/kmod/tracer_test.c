// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracer_test: kernel threads (and ioctl callers) that make an exact, known
 * number of the calls tracer counts, so that the suite can compare
 * /proc/tracer with numbers it computes from the program it asked for.
 * See tracer_test.h for the interface.  Test-only: never packaged.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/kthread.h>
#include <linux/mm.h>		/* kvzalloc() and kvfree() before 5.16 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/semaphore.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "tracer_test.h"

#define TT_MAX_STEPS 24

enum tt_op {
	TT_KMALLOC, TT_KZALLOC, TT_KMALLOC_NODE, TT_KMALLOC_LARGE,
	TT_KMALLOC_ARRAY, TT_KMALLOC_ZERO, TT_KMALLOC_CONST,
	TT_KMALLOC_NODE_CONST, TT_KMALLOC_LARGE_CONST,
	TT_KMALLOC_LARGE_NODE_CONST, TT_KVMALLOC, TT_KFREE, TT_KFREE_NULL,
	TT_SCHED, TT_UPDOWN, TT_LOCK, TT_CONTEND, TT_RECYCLE, TT_NR_OPS
};

static const char *const tt_op_names[TT_NR_OPS] = {
	"kmalloc", "kzalloc", "kmalloc_node", "kmalloc_large",
	"kmalloc_array", "kmalloc_zero", "kmalloc_const",
	"kmalloc_node_const", "kmalloc_large_const",
	"kmalloc_large_node_const", "kvmalloc", "kfree", "kfree_null",
	"sched", "updown", "lock", "contend", "recycle",
};

struct tt_step {
	enum tt_op op;
	unsigned int count;
	size_t size;
};

struct tt_program {
	struct tt_step steps[TT_MAX_STEPS];
	unsigned int nr_steps;
};

/* Blocks held, oldest first: "kfree=N" frees the N oldest. */
struct tt_blocks {
	void *ptr[TT_MAX_BLOCKS];
	unsigned int head, tail;
};

/* Everything a run touches, allocated before the run starts. */
struct tt_context {
	struct tt_blocks blocks;
	unsigned int reused;	/* "recycle" got the address it freed */
	struct mutex mutex;		/* private: never contended */
	struct semaphore sem;
	const bool *stop;	/* a worker's "stop" cuts its program short */
};

struct tt_worker {
	struct list_head node;
	struct task_struct *task;
	struct tt_program program;
	struct tt_context ctx;
	bool go, finished, stop, asleep;
	unsigned int post_waits;
	int err;
};

struct tt_file {
	struct mutex lock;		/* serialises commands on one file */
	char reply[64];
	bool ran;		/* an ioctl run happened: reply with reused */
	struct tt_context ctx;
};

static DEFINE_MUTEX(tt_shared_mutex);
static DEFINE_MUTEX(tt_workers_lock);
static LIST_HEAD(tt_workers);

static void tt_context_init(struct tt_context *ctx)
{
	mutex_init(&ctx->mutex);
	sema_init(&ctx->sem, 1);
}

static int tt_keep(struct tt_blocks *b, void *ptr)
{
	if (!ptr)
		return -ENOMEM;
	if (b->tail - b->head == TT_MAX_BLOCKS) {
		kfree(ptr);
		return -ENOSPC;
	}
	b->ptr[b->tail++ % TT_MAX_BLOCKS] = ptr;
	return 0;
}

static void tt_free_oldest(struct tt_blocks *b, unsigned int n)
{
	while (n-- && b->head != b->tail)
		kfree(b->ptr[b->head++ % TT_MAX_BLOCKS]);
}

/*
 * kvmalloc(), kept only when the slab served it: the blocks held are given
 * back with kfree(), and one from vmalloc() would need kvfree() (whose
 * kfree() call the tracepoints would name as the kernel's own).
 */
static void *tt_kvmalloc(size_t size)
{
	void *ptr = kvmalloc(size, GFP_KERNEL);

	if (ptr && is_vmalloc_addr(ptr)) {
		pr_warn("kvmalloc(%zu) was served by vmalloc()\n", size);
		vfree(ptr);
		return NULL;
	}
	return ptr;
}

/* One allocation; sizes in @s are runtime values the compiler cannot see. */
static void *tt_alloc(const struct tt_step *s)
{
	size_t size = s->size;

	OPTIMIZER_HIDE_VAR(size);
	switch (s->op) {
	case TT_KMALLOC:
	case TT_KMALLOC_LARGE:
		return kmalloc(size, GFP_KERNEL);
	case TT_KZALLOC:
		return kzalloc(size, GFP_KERNEL);
	case TT_KMALLOC_NODE:
		return kmalloc_node(size, GFP_KERNEL, NUMA_NO_NODE);
	case TT_KMALLOC_ARRAY:
		return kmalloc_array(2, size, GFP_KERNEL);
	case TT_KMALLOC_ZERO:
		size = 0;
		OPTIMIZER_HIDE_VAR(size);
		return kmalloc(size, GFP_KERNEL);
	case TT_KMALLOC_CONST:
		return kmalloc(TT_CONST_SIZE, GFP_KERNEL);
	case TT_KMALLOC_NODE_CONST:
		return kmalloc_node(TT_NODE_CONST_SIZE, GFP_KERNEL,
				    NUMA_NO_NODE);
	case TT_KMALLOC_LARGE_CONST:
		return kmalloc(TT_LARGE_CONST_SIZE, GFP_KERNEL);
	case TT_KMALLOC_LARGE_NODE_CONST:
		return kmalloc_node(TT_LARGE_NODE_CONST_SIZE, GFP_KERNEL,
				    NUMA_NO_NODE);
	case TT_KVMALLOC:
		return tt_kvmalloc(size);
	default:
		return NULL;
	}
}

/* Busy, not sleeping: a sleep would call schedule() and be counted. */
static void tt_busy_wait_us(unsigned int us)
{
	while (us--)
		ndelay(NSEC_PER_USEC);
}

/*
 * Free the oldest @count blocks and allocate @size bytes in their place,
 * keeping the new blocks: on one CPU, slab hands the freed address back.
 */
static int tt_recycle(struct tt_context *ctx, const struct tt_step *s)
{
	struct tt_blocks *b = &ctx->blocks;
	unsigned int i;
	void *old, *new;

	for (i = 0; i < s->count && b->head != b->tail; i++) {
		old = b->ptr[b->head++ % TT_MAX_BLOCKS];
		kfree(old);
		new = kmalloc(s->size, GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		ctx->reused += new == old;
		b->ptr[b->tail++ % TT_MAX_BLOCKS] = new;
	}
	return 0;
}

static int tt_run_step(const struct tt_step *s, struct tt_context *ctx)
{
	unsigned int i;
	int err;

	if (s->op == TT_KFREE) {
		tt_free_oldest(&ctx->blocks, s->count);
		return 0;
	}
	if (s->op == TT_RECYCLE)
		return tt_recycle(ctx, s);
	for (i = 0; i < s->count; i++) {
		if (ctx->stop && READ_ONCE(*ctx->stop))
			return -EINTR;
		switch (s->op) {
		case TT_KFREE_NULL:
			kfree(NULL);
			break;
		case TT_SCHED:
			schedule();
			break;
		case TT_UPDOWN:
			err = down_interruptible(&ctx->sem);
			if (err)
				return err;
			up(&ctx->sem);
			break;
		case TT_LOCK:
			mutex_lock(&ctx->mutex);
			mutex_unlock(&ctx->mutex);
			break;
		case TT_CONTEND:
			mutex_lock(&tt_shared_mutex);
			tt_busy_wait_us(100);
			mutex_unlock(&tt_shared_mutex);
			break;
		default:
			err = tt_keep(&ctx->blocks, tt_alloc(s));
			if (err)
				return err;
		}
	}
	return 0;
}

static int tt_run(const struct tt_program *p, struct tt_context *ctx)
{
	unsigned int i;
	int err;

	for (i = 0; i < p->nr_steps; i++) {
		err = tt_run_step(&p->steps[i], ctx);
		if (err)
			return err;
	}
	return 0;
}

/* Parse "op=count[:size],..." in place, allocating nothing. */
static int tt_parse(char *text, struct tt_program *p)
{
	char *step, *count, *size;
	unsigned int op;

	p->nr_steps = 0;
	while ((step = strsep(&text, ",")) != NULL) {
		struct tt_step *s = &p->steps[p->nr_steps];

		step = strim(step);
		if (!*step)
			continue;
		if (p->nr_steps == TT_MAX_STEPS)
			return -E2BIG;
		count = strchr(step, '=');
		if (!count)
			return -EINVAL;
		*count++ = '\0';
		size = strchr(count, ':');
		if (size)
			*size++ = '\0';
		for (op = 0; op < TT_NR_OPS; op++)
			if (!strcmp(step, tt_op_names[op]))
				break;
		if (op == TT_NR_OPS || kstrtouint(count, 0, &s->count) ||
		    (size && kstrtoul(size, 0, (unsigned long *)&s->size)))
			return -EINVAL;
		s->op = op;
		if (!size)
			s->size = 0;
		p->nr_steps++;
	}
	return 0;
}

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
 * until exit_notify() has set exit_state.  (Without this the 6.1-rt lane
 * once found the last worker still in the table.)
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

static int tt_command(char *cmd, char *reply, size_t len)
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

static int tt_open(struct inode *inode, struct file *file)
{
	struct tt_file *f = kvzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	tt_context_init(&f->ctx);
	file->private_data = f;
	return 0;
}

static int tt_release(struct inode *inode, struct file *file)
{
	struct tt_file *f = file->private_data;

	tt_free_oldest(&f->ctx.blocks, TT_MAX_BLOCKS);
	kvfree(f);
	return 0;
}

static ssize_t tt_write(struct file *file, const char __user *buf,
			size_t len, loff_t *ppos)
{
	struct tt_file *f = file->private_data;
	char cmd[TT_MAX_PROGRAM + 16];
	int err;

	if (len >= sizeof(cmd))
		return -E2BIG;
	if (copy_from_user(cmd, buf, len))
		return -EFAULT;
	cmd[len] = '\0';
	mutex_lock(&f->lock);
	f->reply[0] = '\0';
	err = tt_command(strim(cmd), f->reply, sizeof(f->reply));
	mutex_unlock(&f->lock);
	return err ?: len;
}

static ssize_t tt_read(struct file *file, char __user *buf, size_t len,
		       loff_t *ppos)
{
	struct tt_file *f = file->private_data;
	ssize_t ret;

	mutex_lock(&f->lock);
	if (READ_ONCE(f->ran))
		snprintf(f->reply, sizeof(f->reply), "%u\n", f->ctx.reused);
	ret = simple_read_from_buffer(buf, len, ppos, f->reply,
				      strlen(f->reply));
	mutex_unlock(&f->lock);
	return ret;
}

/* Runs in the caller's context; touches only memory set up at open. */
static long tt_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct tt_file *f = file->private_data;
	struct tracer_test_run run;
	struct tt_program program;
	int err;

	if (cmd != TRACER_TEST_RUN)
		return -ENOTTY;
	if (copy_from_user(&run, (void __user *)arg, sizeof(run)))
		return -EFAULT;
	run.program[sizeof(run.program) - 1] = '\0';
	err = tt_parse(run.program, &program);
	if (err)
		return err;
	/* No lock here: it would be counted.  tt_read() makes the reply. */
	err = tt_run(&program, &f->ctx);
	WRITE_ONCE(f->ran, true);
	return err;
}

static const struct proc_ops tt_proc_ops = {
	.proc_open = tt_open,
	.proc_release = tt_release,
	.proc_read = tt_read,
	.proc_write = tt_write,
	.proc_ioctl = tt_ioctl,
	.proc_lseek = default_llseek,
};

static int __init tt_init(void)
{
	return proc_create("tracer_test", 0600, NULL, &tt_proc_ops) ?
	       0 : -ENOMEM;
}

static void __exit tt_exit(void)
{
	struct tt_worker *w, *tmp;

	remove_proc_entry("tracer_test", NULL);
	list_for_each_entry_safe(w, tmp, &tt_workers, node) {
		list_del(&w->node);
		tt_worker_stop(w);
	}
}

module_init(tt_init);
module_exit(tt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Exact workloads for the tracer test suite");

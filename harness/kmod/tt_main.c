// SPDX-License-Identifier: GPL-2.0-only
/*
 * tracer_test: kernel threads (and ioctl callers) that make an exact, known
 * number of the calls tracer counts, so that the suite can compare
 * /proc/tracer with numbers it computes from the program it asked for.
 * See tracer_test.h for the interface.  Test-only: never packaged.
 */
#include <linux/fs.h>
#include <linux/mm.h>		/* kvzalloc() and kvfree() before 5.16 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "tracer_test.h"
#include "tt_program.h"
#include "tt_workers.h"

struct tt_file {
	struct mutex lock;		/* serialises commands on one file */
	char reply[64];
	bool ran;		/* an ioctl run happened: reply with reused */
	struct tt_context ctx;
};

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
	remove_proc_entry("tracer_test", NULL);
	tt_workers_stop_all();
}

module_init(tt_init);
module_exit(tt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Exact workloads for the tracer test suite");

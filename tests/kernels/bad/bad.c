// SPDX-License-Identifier: GPL-2.0-only
/* Deliberately buggy: each mode must make one checker of the debug kernel complain. */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/jiffies.h>

static int mode;
module_param(mode, int, 0444);
static DEFINE_MUTEX(bad_a);
static DEFINE_MUTEX(bad_b);
static DEFINE_SPINLOCK(bad_spin);

static void bad_timer_fn(struct timer_list *t)
{
}

static int __init bad_init(void)
{
	struct timer_list *t;
	char *p;

	switch (mode) {
	case 1: /* lockdep: AB then BA */
		mutex_lock(&bad_a);
		mutex_lock(&bad_b);
		mutex_unlock(&bad_b);
		mutex_unlock(&bad_a);
		mutex_lock(&bad_b);
		mutex_lock(&bad_a);
		mutex_unlock(&bad_a);
		mutex_unlock(&bad_b);
		break;
	case 2: /* DEBUG_ATOMIC_SLEEP */
		spin_lock(&bad_spin);
		might_sleep();
		spin_unlock(&bad_spin);
		break;
	case 3: /* debugobjects: free an active timer */
		t = kmalloc(sizeof(*t), GFP_KERNEL);
		if (!t)
			return -ENOMEM;
		timer_setup(t, bad_timer_fn, 0);
		mod_timer(t, jiffies + 100 * HZ);
		kfree(t);
		break;
	case 4: /* kmemleak */
		p = kmalloc(1000, GFP_KERNEL);
		OPTIMIZER_HIDE_VAR(p);
		break;
	case 5: /* KASAN: use after free */
		p = kmalloc(64, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		kfree(p);
		OPTIMIZER_HIDE_VAR(p);
		pr_info("bad: read %d\n", READ_ONCE(p[8]));
		break;
	}
	return 0;
}

static void __exit bad_exit(void)
{
}
module_init(bad_init);
module_exit(bad_exit);
MODULE_LICENSE("GPL");

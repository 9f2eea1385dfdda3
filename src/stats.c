// SPDX-License-Identifier: GPL-2.0-only
/*
 * Counters that say whether the numbers in /proc/tracer are complete, as
 * read-only attributes of the misc device: /sys/class/misc/tracer/<name>.
 *
 *   missed          probe hits lost because every kretprobe instance was in
 *                   use (see the maxactive parameter): numbers of monitored
 *                   processes may be incomplete
 *   skipped_nested  probe hits skipped because another probe handler was
 *                   running on that CPU: interrupt-context events, never
 *                   charged to a process (see probes.c)
 *   addr_overflows  allocations not recorded because their address-table
 *                   bucket was full; their kfree is charged 0 bytes
 *   addr_entries    addresses recorded now
 *   addr_capacity   slots in the address table
 *   processes       processes monitored now
 *   armed           1 while the probes are armed, 0 while they cost
 *                   nothing (arming.c)
 *   arms, disarms   transitions of armed since load
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "tracer.h"

static ssize_t missed_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%lu\n", tracer_probes_missed());
}
static DEVICE_ATTR_RO(missed);

static ssize_t skipped_nested_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", tracer_probes_skipped_nested());
}
static DEVICE_ATTR_RO(skipped_nested);

static ssize_t addr_overflows_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", tracer_addr_overflows());
}
static DEVICE_ATTR_RO(addr_overflows);

static ssize_t addr_entries_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", tracer_addr_used());
}
static DEVICE_ATTR_RO(addr_entries);

static ssize_t addr_capacity_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", tracer_addr_capacity());
}
static DEVICE_ATTR_RO(addr_capacity);

static ssize_t processes_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&tracer_nr_procs));
}
static DEVICE_ATTR_RO(processes);

static ssize_t armed_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%d\n", tracer_is_armed());
}
static DEVICE_ATTR_RO(armed);

static ssize_t arms_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%lu\n", tracer_arms());
}
static DEVICE_ATTR_RO(arms);

static ssize_t disarms_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%lu\n", tracer_disarms());
}
static DEVICE_ATTR_RO(disarms);

static struct attribute *tracer_stats_attrs[] = {
	&dev_attr_missed.attr,
	&dev_attr_skipped_nested.attr,
	&dev_attr_addr_overflows.attr,
	&dev_attr_addr_entries.attr,
	&dev_attr_addr_capacity.attr,
	&dev_attr_processes.attr,
	&dev_attr_armed.attr,
	&dev_attr_arms.attr,
	&dev_attr_disarms.attr,
	NULL
};

static const struct attribute_group tracer_stats_group = {
	.attrs = tracer_stats_attrs,
};

const struct attribute_group *tracer_stats_groups[] = {
	&tracer_stats_group,
	NULL
};

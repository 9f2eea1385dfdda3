// SPDX-License-Identifier: GPL-2.0-only
/*
 * The attributes of the misc device, /sys/class/misc/tracer/<name>: their
 * list and what each one means is uapi/tracer_stats.h.  Each name there
 * must have its show function here: the list builds the attribute array.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "addr_table.h"
#include "arming.h"
#include "probes.h"
#include "proc_table.h"
#include "stats.h"

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
#define TRACER_STAT(name, kind, help) (&dev_attr_##name.attr),
#include "uapi/tracer_stats.h"
#undef TRACER_STAT
	NULL
};

static const struct attribute_group tracer_stats_group = {
	.attrs = tracer_stats_attrs,
};

const struct attribute_group *tracer_stats_groups[] = {
	&tracer_stats_group,
	NULL
};

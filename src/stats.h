/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The attributes of /sys/class/misc/tracer (stats.c).
 */
#ifndef _TRACER_STATS_H
#define _TRACER_STATS_H

struct attribute_group;

extern const struct attribute_group *tracer_stats_groups[];

#endif /* _TRACER_STATS_H */

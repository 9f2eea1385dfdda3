/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * The read-only attributes of the misc device, /sys/class/misc/tracer/NAME:
 * one TRACER_STAT(NAME, kind, help) each, kind "counter" (only grows) or
 * "gauge", help the metric's HELP; every file holds one decimal number and
 * a newline.  They say whether the numbers in /proc/tracer are complete, and
 * what the module holds.  The module and the tracer command expand this
 * list (define TRACER_STAT, include this file, undefine it: there is no
 * include guard, on purpose); the in-VM tests read the files by their
 * literal names, to check it.
 *
 *   missed          probe hits lost because every kretprobe instance was in
 *                   use (see the maxactive parameter): numbers of monitored
 *                   processes may be incomplete
 *   skipped_nested  probe hits skipped because another probe handler was
 *                   running on that CPU: interrupt-context events, never
 *                   charged to a process
 *   addr_overflows  allocations not recorded because their address-table
 *                   bucket was full; their kfree is charged 0 bytes
 *   addr_entries    addresses recorded now
 *   addr_capacity   slots in the address table
 *   processes       processes monitored now
 *   armed           1 while the probes are armed, 0 while they cost
 *                   nothing (only while something is monitored are they)
 *   arms, disarms   transitions of armed since load
 */
TRACER_STAT(missed, "counter",
	    "Probe hits lost because every kretprobe instance was in use.")
TRACER_STAT(skipped_nested, "counter",
	    "Probe hits in interrupt context during another handler, never charged.")
TRACER_STAT(addr_overflows, "counter",
	    "Allocations not recorded because their address-table bucket was full.")
TRACER_STAT(addr_entries, "gauge",
	    "Addresses recorded in the address table.")
TRACER_STAT(addr_capacity, "gauge",
	    "Slots of the address table (0 while disarmed).")
TRACER_STAT(processes, "gauge",
	    "Processes monitored.")
TRACER_STAT(armed, "gauge",
	    "1 while the probes are armed, 0 while they cost nothing.")
TRACER_STAT(arms, "counter",
	    "Transitions of armed to 1 since the module was loaded.")
TRACER_STAT(disarms, "counter",
	    "Transitions of armed to 0 since the module was loaded.")

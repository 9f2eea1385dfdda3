# SPDX-License-Identifier: GPL-2.0-only
# The machine every test VM runs on, and what its kernel log must not say.
# Sourced by common.sh (tests/packages/run sources this file alone).
# shellcheck shell=bash

# vm_machine ARCH: the QEMU command, machine, accelerator and CPU for ARCH
# (amd64 or arm64) in the array qemu.  Memory, disks, the kernel and its
# command line are the caller's.  TRACER_VM_ACCEL=kvm uses KVM (default:
# TCG emulation, because nested KVM hangs on many CI hosts);
# TRACER_VM_ACCEL=mttcg uses multi-threaded TCG, one host thread per vCPU;
# TRACER_VM_ACCEL=icount uses single-threaded TCG with a virtual clock that
# counts instructions (-icount shift=0: one nanosecond per instruction, and
# sleep=off: an idle guest skips to its next timer).  Time measured inside
# such a guest is the instructions it ran, whatever else the host is doing:
# the benchmark's clock (bench/run).
#
# Single-threaded TCG by default: with multi-threaded TCG, kernel text
# patched on one vCPU (jump labels, ftrace/kprobe sites) is seen stale on
# the other ("Oops: int3", jumps to address 0).  tests/vm/mttcg-experiment
# showed it without tracer (the floor module, tracefs kretprobes) and once
# at boot with no module loaded (README, "Tests").
# arm64: the virt machine, and -cpu max with QEMU's own pointer
# authentication algorithm (pauth-impdef): Debian's kernel signs return
# addresses in every function, and the architected algorithm (QARMA) is so
# slow to emulate that the suite did not finish in 25 minutes with it.
# virt has one serial port (ttyAMA0): results share it with the console.
# x86 under TCG: -cpu max without 5-level paging (la57), as on nearly every
# workstation.  With la57, a KASAN kernel can report a "wild-memory-access"
# at boot: identify_cpu() clears boot_cpu_data's capability words, and an
# interrupt in that window sees pgtable_l5_enabled() false and judges the
# 5-level direct map (ff11...) to have no shadow.  Not tracer's bug, but it
# fails the kernel log check.
vm_machine() {
	local accel=${TRACER_VM_ACCEL:-tcg} cpu=max,la57=off
	case $1:$accel in
	arm64:kvm) qemu=(qemu-system-aarch64 -M virt -accel kvm -cpu host) ;;
	arm64:mttcg) qemu=(qemu-system-aarch64 -M virt -accel tcg,thread=multi
		-cpu max,pauth-impdef=on) ;;
	arm64:*) qemu=(qemu-system-aarch64 -M virt -accel tcg,thread=single
		-cpu max,pauth-impdef=on) ;;
	*:kvm) qemu=(qemu-system-x86_64 -machine pc -accel kvm -cpu host) ;;
	*:mttcg) qemu=(qemu-system-x86_64 -machine pc -accel tcg,thread=multi -cpu "$cpu") ;;
	*:icount) qemu=(qemu-system-x86_64 -machine pc -accel tcg,thread=single -cpu "$cpu"
		-icount shift=0,sleep=off) ;;
	*) qemu=(qemu-system-x86_64 -machine pc -accel tcg,thread=single -cpu "$cpu") ;;
	esac
	qemu+=(-nodefaults -display none -no-reboot)
}

# vm_initramfs DIR: DIR as an initramfs (newc cpio) on standard output.
# Uncompressed: the guest unpacks it faster than it would inflate it under
# emulation; pipe it through gzip -1 where the file's size matters more.
vm_initramfs() {
	(cd "$1" && find . | cpio -o -H newc --quiet)
}

# vm_console ARCH: the kernel's console device.
vm_console() {
	case $1 in
	arm64) echo ttyAMA0 ;;
	*) echo ttyS0 ;;
	esac
}

# The kernel-log gate: a test VM's kernel log matching this (grep -E) fails
# the run.  The checkers of the debug kernels (lockdep, KASAN, kmemleak,
# UBSAN, DEBUG_ATOMIC_SLEEP) included.
vm_complaints='BUG:|WARNING:|Oops|Call Trace|Kernel panic|kernel BUG|general protection|scheduling while atomic|sleeping function called|possible circular locking|inconsistent lock state|possible recursive locking|suspicious RCU usage|lockdep|KASAN|kmemleak: [0-9]+ new suspected|UBSAN|stack-protector|rcu_sched self-detected|detected stall|blocked for more than|unreferenced object|deprecated workqueue'

# vm_wait PID FILE...: wait for the VM process PID while it makes progress,
# that is while the FILEs (its console, its results) keep growing.  A slow
# VM may take as long as it needs; one whose FILEs have not grown for
# $vm_stall seconds (default 180), or still runs after $vm_timeout seconds
# in all (default 3600; 0: no limit), is killed.  Returns 0 when the VM ended by itself;
# otherwise 1, with the reason in $vm_why.
vm_wait() {
	local pid=$1 start=$SECONDS last=$SECONDS size=-1 now
	shift
	vm_why=
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		now=$(stat -c %s "$@" 2>/dev/null | awk '{t += $1} END {print t + 0}')
		[ "$now" != "$size" ] && { size=$now; last=$SECONDS; }
		if [ $((SECONDS - last)) -ge "${vm_stall:-180}" ]; then
			vm_why="no output for ${vm_stall:-180} s"
		elif [ "${vm_timeout:-3600}" -gt 0 ] &&
			[ $((SECONDS - start)) -ge "${vm_timeout:-3600}" ]; then
			vm_why="still running after ${vm_timeout:-3600} s"
		else
			continue
		fi
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 1
	done
	wait "$pid" 2>/dev/null
	return 0
}

# vm_unfinished_why RESULTS: why a guest's run did not finish, for the
# failure line: the guest watchdog's "# stalled: ..." line (harness/
# guest-watchdog), else the host watchdog's $vm_why, else a crash.
vm_unfinished_why() {
	local why
	why=$(tr -d '\r' <"$1" | grep -m1 '^# stalled: ')
	why=${why#\# }
	echo "${why:-${vm_why:-no result line (a crash?)}}"
}

# vm_last_line FILE: the last non-empty line of a console log, printable.
vm_last_line() {
	tr '\r' '\n' <"$1" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/[[:cntrl:]]//g' |
		grep -v '^[[:space:]]*$' | tail -n1 | cut -c1-160
}

# vm_results FILE PREFIX: the lines "RESULT ok NAME" and "RESULT fail NAME:
# WHY" that a guest wrote to FILE, reported with ok and fail (tally.sh) as
# PREFIX NAME; true when the guest also wrote "RESULT done".
vm_results() {
	local line name
	while IFS= read -r line; do
		case $line in
		"RESULT ok "*) ok "$2${line#RESULT ok }" ;;
		"RESULT fail "*)
			name=${line#RESULT fail }
			fail "$2${name%%: *}" "${name#*: }" ;;
		esac
	done <"$1"
	grep -q '^RESULT done' "$1"
}

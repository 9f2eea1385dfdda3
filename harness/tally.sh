# SPDX-License-Identifier: GPL-2.0-only
# How every test script reports: one line per check, "ok - NAME",
# "FAIL - NAME: WHY" or "skip - NAME: WHY" (NAME after $tally_prefix), then
# "N passed, N failed" (", N skipped" when some were).  tests/check adds up
# the scripts' closing lines (tally_counts).  Sourced by common.sh; scripts
# that do not source common.sh source this file alone.
# shellcheck shell=bash

passed=0 failed=0 skipped=0
tally_prefix=${tally_prefix:-}

ok() {
	passed=$((passed + 1))
	echo "ok - $tally_prefix$1"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL - $tally_prefix$1${2:+: $2}"
}

skip() {
	skipped=$((skipped + 1))
	echo "skip - $tally_prefix$1${2:+: $2}"
}

# relay: a sub-script's "ok - ", "FAIL - " and "skip - " lines (on standard
# input), printed and counted here; its other lines are printed as they are.
relay() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok - "*) passed=$((passed + 1)) ;;
		"FAIL - "*) failed=$((failed + 1)) ;;
		"skip - "*) skipped=$((skipped + 1)) ;;
		esac
		echo "$line"
	done
}

# tally_end [LABEL]: the closing line; true when nothing failed and
# something passed.
tally_end() {
	local s=
	[ "$skipped" -gt 0 ] && s=", $skipped skipped"
	echo "${1:+$1: }$passed passed, $failed failed$s"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

# tally_counts FILE: "PASSED FAILED" from the last closing line in FILE
# ("0 1" when there is none: the script did not finish).
tally_counts() {
	local line f
	line=$(grep -E '^([^ ]+: )?[0-9]+ passed, [0-9]+ failed' "$1" 2>/dev/null | tail -n 1)
	line=${line#*: }
	[ -n "$line" ] || { echo "0 1"; return; }
	f=${line#*passed, }
	echo "${line%% passed*} ${f%% failed*}"
}

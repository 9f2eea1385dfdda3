# SPDX-License-Identifier: GPL-2.0-only
# Shared by the test scripts: the cache, package installation, lanes.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${TRACER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tracer-dkms}
mkdir -p "$CACHE"

log() { printf '%s\n' "$*" >&2; }

# apt-get on a machine that may never have fetched its package lists.
apt_updated=
apt_update_once() {
	[ -n "$apt_updated" ] && return 0
	apt_updated=1
	DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
}

# ensure_packages PKG...: install what is missing, quietly.
ensure_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >"$CACHE/apt.log" 2>&1; then
		apt_update_once
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "${missing[@]}" >"$CACHE/apt.log" 2>&1 ||
			{ log "apt-get install failed: see $CACHE/apt.log"; return 1; }
	fi
}

# The kernel lanes, each a kernel of Debian's archive picked at run time
# (old ABIs vanish from it), built for with its suite's own compiler:
#   5.10        bullseye's newest 5.10 (gcc-10, in a bullseye root)
#   6.1, 6.1-rt bookworm's, this machine's own suite (gcc-12, on the host)
#   6.12        trixie's newest 6.12+deb13 (gcc-14, in a trixie root)
#   newest, newest-rt   the newest kernel of trixie-backports and sid, so
#               that the lane follows Debian (in that suite's root)
#   arm64       bookworm's 6.1 for arm64 (cross gcc-12, in the bookworm root)
#   arm64-16k   trixie's newest 6.12 with 16K pages (Raspberry Pi 5's size)
#   arm64-newest  the newest arm64 kernel of trixie-backports and sid
#   debug       tests/kernels/build-debug-kernel (not resolved here)
# lane_kernel LANE prints "SUITE RELEASE"; SUITE "host" is this machine.
newest_image() { # newest_image SUITE REGEX [ARCH]: the newest linux-image-R matching
	local root
	root=$("$TOP/harness/suite-root" "$1") || return 1
	[ "${3:-amd64}" = arm64 ] && { arm64_lists "$root" || return 1; }
	apt_cache "$root" "${3:-amd64}" search --names-only "$2" |
		awk '{print $1}' | sed 's/^linux-image-//' | sort -V | tail -n 1
}
host_image() { # host_image META: the release a bookworm meta-package points at
	apt-cache depends "$1" 2>/dev/null |
		awk '/Depends: linux-image-/ {sub("linux-image-", "", $2); print $2; exit}'
}
lane_kernel() {
	local lane=$1 flavour=amd64 rel= r s suite=
	case $lane in
	6.1|6.1-rt)
		[ "$lane" = 6.1-rt ] && flavour=rt-amd64
		rel=$(host_image "linux-image-$flavour")
		[ -n "$rel" ] || { apt_update_once; rel=$(host_image "linux-image-$flavour"); }
		suite=host ;;
	5.10) suite=bullseye rel=$(newest_image bullseye '^linux-image-5\.10\.0-[0-9]+-amd64$') ;;
	6.12) suite=trixie rel=$(newest_image trixie '^linux-image-6\.12\.[0-9]+\+deb13-amd64$') ;;
	newest|newest-rt|arm64-newest)
		[ "$lane" = newest-rt ] && flavour=rt-amd64
		[ "$lane" = arm64-newest ] && flavour=arm64
		read -r rel suite < <(for s in trixie sid; do
			r=$(newest_image "$s" "^linux-image-[0-9][0-9.]*\\+deb[0-9]+-$flavour\$" \
				"$(release_arch "x-$flavour")")
			[ -n "$r" ] && echo "$r $s"
		done | sort -V -k1,1 | tail -n 1) || true ;;
	arm64) suite=bookworm rel=$(newest_image bookworm '^linux-image-6\.1\.0-[0-9]+-arm64$' arm64) ;;
	arm64-16k) suite=trixie rel=$(newest_image trixie '^linux-image-6\.12\.[0-9]+\+deb13-arm64-16k$' arm64) ;;
	*) log "unknown lane $lane"; return 1 ;;
	esac
	[ -n "$rel" ] && [ -n "$suite" ] ||
		{ log "cannot resolve the kernel of lane $lane"; return 1; }
	echo "$suite $rel"
}

# fetch_kernel SUITE RELEASE: prints the path of its vmlinuz, cached.  The
# image package is downloaded and unpacked in the cache, never installed:
# the host's own kernel and boot files are not touched.  From 7.x on the
# image is split, and the kernel is linux-binary-unsigned-R's
# vmlinuz.unsigned.
fetch_kernel() {
	local suite=$1 rel=$2 dir="$CACHE/kernels/$2" root= deb p
	if [ ! -s "$dir/vmlinuz" ]; then
		mkdir -p "$dir" "$CACHE/debs"
		[ "$suite" = host ] || root=$("$TOP/harness/suite-root" "$suite") || return 1
		for p in "linux-image-$rel" "linux-binary-unsigned-$rel"; do
			if [ "$(release_arch "$rel")" = arm64 ]; then
				arm64_download "$root" "$p" || continue
			else
				download_deb "$root" "$p" || continue
			fi
			deb=$(ls -t "$CACHE/debs/${p}"_*.deb | head -n 1)
			dpkg-deb --fsys-tarfile "$deb" |
				tar -xO --wildcards "./boot/vmlinuz-$rel" "./usr/lib/modules/$rel/vmlinuz*" \
				>"$dir/vmlinuz.tmp" 2>/dev/null
			[ -s "$dir/vmlinuz.tmp" ] && break
		done
		[ -s "$dir/vmlinuz.tmp" ] || { log "no vmlinuz for $rel"; return 1; }
		mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
	fi
	echo "$dir/vmlinuz"
}

# download_deb ROOT PACKAGE: into $CACHE/debs, with ROOT's apt (a suite
# root) or, with ROOT empty, this machine's.
download_deb() {
	local root=$1 pkg=$2
	if [ -z "$root" ]; then
		(cd "$CACHE/debs" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
			{ apt_update_once; (cd "$CACHE/debs" && apt-get download -q "$pkg" >/dev/null 2>&1); }
		return
	fi
	chroot "$root" sh -c 'cd /tmp && apt-get download -q "$1"' sh "$pkg" >/dev/null 2>&1 &&
		mv "$root"/tmp/"$pkg"_*.deb "$CACHE/debs/"
}

# lane_kdir SUITE RELEASE: what harness/kbuild takes to build for it: the
# headers on this machine (installed with apt-get, as DKMS users have
# them), or SUITE:RELEASE, built in that suite's root.
lane_kdir() {
	if [ "$1" = host ]; then
		ensure_packages "linux-headers-$2" >&2 || return 1
		echo "/usr/src/linux-headers-$2"
	elif [ "$(release_arch "$2")" = arm64 ]; then
		echo "$1:$2"	# harness/kbuild unpacks arm64 headers itself
	else
		"$TOP/harness/suite-root" "$1" "linux-headers-$2" sparse kmod >/dev/null || return 1
		echo "$1:$2"
	fi
}

# checkpatch.pl from Debian's kernel source tarball, unpacked once.
checkpatch_path() {
	local dir="$CACHE/checkpatch"
	if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
		ensure_packages linux-source-6.1 >&2 || return 1
		mkdir -p "$dir"
		tar -xf /usr/src/linux-source-6.1.tar.xz -C "$dir" --strip-components=1 \
			linux-source-6.1/scripts/checkpatch.pl \
			linux-source-6.1/scripts/spelling.txt \
			linux-source-6.1/scripts/const_structs.checkpatch
	fi
	echo "$dir/scripts/checkpatch.pl"
}

# The in-VM suite's sources, relative to the top of the tree: tests/check
# builds them for amd64, tests/vm/arm64-programs for arm64.
suite_srcs=(tests/vm/suite.c tests/vm/util.c tests/vm/tt.c tests/vm/trace.c
	tests/vm/test_interface.c tests/vm/test_module.c tests/vm/test_process.c
	tests/vm/test_oracle.c
	tests/vm/test_lifecycle.c tests/vm/test_security.c
	tests/vm/test_stress.c tests/vm/test_arming.c tests/vm/test_faults.c
	tests/vm/test_mttcg.c)

# arm64 kernels, headers and programs, from this amd64 machine.
. "$(dirname "${BASH_SOURCE[0]}")/arm64.sh"
# The test VMs' machine and kernel-log gate.
. "$(dirname "${BASH_SOURCE[0]}")/vm.sh"
# ok, fail, skip and the closing line of every test script.
. "$(dirname "${BASH_SOURCE[0]}")/tally.sh"

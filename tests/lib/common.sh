# SPDX-License-Identifier: GPL-2.0-only
# Shared by the test scripts: the cache, package installation, lanes.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
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

# The package that provides a lane's kernel, resolved from Debian's archive.
# Lanes: 6.1 (linux-image-amd64), 6.12 (newest 6.12 of bookworm), 6.1-rt.
lane_image_package() {
	local meta
	case $1 in
	6.1) meta=linux-image-amd64 ;;
	6.1-rt) meta=linux-image-rt-amd64 ;;
	6.12)
		apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' |
			awk '{print $1}' | sort -V | tail -n 1
		return ;;
	*) log "unknown lane $1"; return 1 ;;
	esac
	apt-cache depends "$meta" 2>/dev/null |
		awk '/Depends: linux-image-/ {print $2; exit}'
}

lane_release() {
	local pkg
	pkg=$(lane_image_package "$1")
	if [ -z "$pkg" ]; then
		apt_update_once
		pkg=$(lane_image_package "$1")
	fi
	[ -n "$pkg" ] || { log "cannot resolve the kernel of lane $1"; return 1; }
	echo "${pkg#linux-image-}"
}

# fetch_kernel RELEASE: prints the path of its vmlinuz, cached.  The image
# package is downloaded and unpacked in the cache, never installed: the
# host's own kernel and boot files are not touched.
fetch_kernel() {
	local rel=$1 dir="$CACHE/kernels/$1" deb
	if [ ! -s "$dir/vmlinuz" ]; then
		mkdir -p "$dir" "$CACHE/debs"
		(cd "$CACHE/debs" && apt-get download -q "linux-image-$rel" >/dev/null 2>&1) ||
			{ apt_update_once; (cd "$CACHE/debs" && apt-get download -q "linux-image-$rel" >/dev/null); } ||
			return 1
		deb=$(ls -t "$CACHE/debs/linux-image-${rel}"_*.deb | head -n 1)
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO "./boot/vmlinuz-$rel" >"$dir/vmlinuz.tmp" &&
			mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
	fi
	echo "$dir/vmlinuz"
}

# The headers of a release, installed with apt-get (DKMS users have them too).
ensure_headers() {
	ensure_packages "linux-headers-$1" >&2 || return 1
	echo "/usr/src/linux-headers-$1"
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

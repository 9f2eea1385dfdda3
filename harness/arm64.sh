# SPDX-License-Identifier: GPL-2.0-only
# arm64 from this amd64 machine: package lists, kernels, headers and the
# cross compiler, all inside a suite's build root (harness/suite-root),
# which stays amd64 itself.  Sourced by common.sh.
# shellcheck shell=bash

# in_root ROOT CMD...: CMD in ROOT with a clean environment.
in_root() {
	local root=$1
	shift
	chroot "$root" /usr/bin/env -i HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# The root's arm64 package lists: private (own lists and caches), so that
# the root itself stays amd64-only.  Refreshed once a day.
arm64_opts=(-o APT::Architecture=arm64 -o APT::Architectures::=arm64
	-o Dir::State::Lists=/var/lib/apt/tracer-arm64/lists
	-o Dir::Cache=/var/cache/apt/tracer-arm64 -o Acquire::Check-Valid-Until=false)
arm64_lists() { # arm64_lists ROOT: 0 when the lists are there
	local root=$1 stamp=$1/var/lib/apt/tracer-arm64/lists/.tracer-updated
	local log=$CACHE/roots/${1##*/}.arm64-apt.log
	[ -n "$(find "$stamp" -mmin -1440 2>/dev/null)" ] && return 0
	mkdir -p "$root/var/lib/apt/tracer-arm64/lists/partial" \
		"$root/var/cache/apt/tracer-arm64/archives/partial"
	in_root "$root" apt-get -q "${arm64_opts[@]}" update >"$log" 2>&1 ||
		{ log "arm64 package lists of ${root##*/}: see $log"; return 1; }
	touch "$stamp"
}

# release_arch RELEASE: the Debian architecture a kernel release runs on.
release_arch() {
	case $1 in
	*-arm64 | *-arm64-16k) echo arm64 ;;
	*) echo amd64 ;;
	esac
}

# apt_cache ROOT ARCH ARGS...
apt_cache() {
	local root=$1 arch=$2
	shift 2
	if [ "$arch" = arm64 ]; then
		in_root "$root" apt-cache "${arm64_opts[@]}" "$@"
	else
		in_root "$root" apt-cache "$@"
	fi
}

# headers_deps ARCH < Depends: what the headers package needs but its
# kernel image; for arm64 the compiler is the suite's cross gcc.
headers_deps() {
	local p n
	tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/:any//; s/[[:space:]]//g' |
		while read -r p; do
			case $p in
			'' | linux-image-*) ;;
			gcc-[0-9]* | linux-compiler-gcc-[0-9]*)
				if [ "$1" = arm64 ]; then
					n=${p#linux-compiler-}
					n=${n#gcc-}
					echo "gcc-${n%%-*}-aarch64-linux-gnu"
				else
					echo "$p"
				fi ;;
			*) echo "$p" ;;
			esac
		done
}

# setup_headers SUITE ROOT ARCH RELEASE: /usr/src/linux-headers-RELEASE in
# ROOT, with what it needs; on failure $why says why.  The release's own
# packages (its headers; linux-base-RELEASE since 7.x) are unpacked with
# dpkg-deb (through apt-get they would drag in the kernel image: 100 MB
# and an initramfs run); what they need besides (the -common headers,
# linux-kbuild, the compiler, or gcc-N-aarch64-linux-gnu for arm64) is
# installed with apt-get by suite-root, so the suite's own compiler builds.
setup_headers() {
	local suite=$1 root=$2 arch=$3 rel=$4 info version depends p deps=() own=()
	local deb size tree=$2/usr/src/linux-headers-$4 dl=/var/cache/tracer-debs
	local apt=(apt-get -q) dlog=$CACHE/roots/$1.download.log
	why=
	[ "$arch" = arm64 ] && apt+=("${arm64_opts[@]}")
	# Installed with apt-get already (by another test): as is.
	if [ "$arch" = amd64 ] &&
		in_root "$root" dpkg-query -W -f='${Status}' "linux-headers-$rel" 2>/dev/null |
		grep -q 'install ok installed'; then
		return 0
	fi
	info=$(apt_cache "$root" "$arch" show --no-all-versions "linux-headers-$rel" 2>/dev/null)
	version=$(sed -n 's/^Version: //p' <<<"$info" | head -n 1)
	depends=$(sed -n 's/^Depends: //p' <<<"$info" | head -n 1)
	[ -n "$version" ] || { why="linux-headers-$rel: not in the archive"; return 1; }
	own=("linux-headers-$rel=$version")
	while read -r p; do
		case $p in
		*-"$rel") own+=("$p") ;;
		*) deps+=("$p") ;;
		esac
	done < <(headers_deps "$arch" <<<"$depends")
	size=$(stat -c %s "$CACHE/roots/$suite.log" 2>/dev/null || echo 0)
	if ! "$TOP/harness/suite-root" "$suite" "${deps[@]}" >/dev/null; then
		why="cannot install ${deps[*]}: $(tail -c +$((size + 1)) "$CACHE/roots/$suite.log" |
			grep -E '^E:' | grep -v posix_openpt | head -n 1 |
			sed 's/^E: //; s/ *\[IP:.*//' | cut -c1-200)"
		return 1
	fi
	[ "$(cat "$tree/.tracer-unpacked" 2>/dev/null)" = "$version" ] && return 0
	rm -rf "${root:?}$dl"
	mkdir -p "$root$dl"
	if ! in_root "$root" sh -c "cd $dl && $(printf '%q ' "${apt[@]}") download $(printf '%q ' "${own[@]}")" \
		>"$dlog" 2>&1; then
		why="cannot download ${own[*]%%=*}: $(grep -m1 -E '^E:' "$dlog" |
			sed 's/^E: //; s/ *\[IP:.*//' | cut -c1-200)"
		return 1
	fi
	rm -rf "${tree:?}"
	for deb in "$root$dl"/*.deb; do
		dpkg-deb -x "$deb" "$root/" || { why="cannot unpack ${deb##*/}"; return 1; }
	done
	rm -rf "${root:?}$dl"
	echo "$version" >"$tree/.tracer-unpacked"
}

# arm64_download ROOT PACKAGE: PACKAGE:arm64's .deb into $CACHE/debs.
arm64_download() {
	local root=$1 pkg=$2
	arm64_lists "$root" || return 1
	rm -f "$root"/tmp/"$pkg"_*.deb
	in_root "$root" sh -c 'cd /tmp && apt-get -q "$@" download "$0"' "$pkg" "${arm64_opts[@]}" \
		>/dev/null 2>&1 && mv "$root"/tmp/"$pkg"_*.deb "$CACHE/debs/"
}

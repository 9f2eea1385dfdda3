# SPDX-License-Identifier: GPL-2.0-only
# The user journey of tests/packages/run on one Debian suite, sourced by it:
# the chroot, the .deb and a kernel upgrade in it, the VM boots of its
# kernels and the removal.  Uses run's ok, fail, note, elapsed, WORK,
# CACHE, DEB, VERSION and the BOOT_* limits.
# shellcheck shell=bash

mount_chroot() {
	MOUNTED=1   # even a partial mount is undone by umount_chroot
	mount -t proc proc "$RFS/proc" &&
	mount --bind /sys "$RFS/sys" &&
	mount --bind /dev "$RFS/dev" &&
	mount --bind /dev/pts "$RFS/dev/pts" &&
	mkdir -p "$CACHE/apt-archives/partial" &&
	mount --bind "$CACHE/apt-archives" "$RFS/var/cache/apt/archives" &&
	printf '#!/bin/sh\nexit 101\n' >"$RFS/usr/sbin/policy-rc.d" &&
	chmod 755 "$RFS/usr/sbin/policy-rc.d"
}
umount_chroot() {
	[ -n "$MOUNTED" ] || return 0
	local m p
	for m in var/cache/apt/archives dev/pts dev sys proc; do
		mountpoint -q "$RFS/$m" || continue
		umount "$RFS/$m" 2>/dev/null && continue
		# Busy: say what still runs in the root, then detach it.
		for p in $(chroot_pids); do
			note "still running in the chroot: $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-200)"
		done
		umount -l "$RFS/$m"
	done
	rm -f "$RFS/usr/sbin/policy-rc.d"
	MOUNTED=
}
chroot_pids() { # the processes running in the chroot (this script's)
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$RFS" ] && echo "${p#/proc/}"
	done
}
in_root() { chroot "$RFS" "$@"; }
# The module file DKMS installed for a kernel (.ko, or compressed like the
# kernel's own modules).
modfile() { ls "$RFS/lib/modules/$1/updates/dkms/"tracer.ko* 2>/dev/null | head -n1; }
dkms_status() { in_root dkms status -m tracer 2>/dev/null; }

# boot_kernel KERNELRELEASE: boot $IMG on that kernel of $BOOT in QEMU and
# read vm-check's results.  A watchdog, not a fixed timeout: the VM may
# take as long as it needs while its console (or vm-check's port) keeps
# growing; it is stopped when nothing new came for $BOOT_STALL seconds or,
# when TRACER_BOOT_TIMEOUT is set, after that many seconds in all, naming
# the last console line.
boot_kernel() {
	local k=$1 con=$WORK/console-$1.log res=$WORK/results-$1.log finished
	: >"$res"; : >"$con"
	local qemu
	vm_machine amd64
	# Not under nice, unlike the package builds: a boot starved by other
	# CPU-bound work at normal priority reported lockups and fell silent.
	"${qemu[@]}" -m 1024 -smp 2 -serial mon:stdio -serial "file:$res" \
		-kernel "$BOOT/vmlinuz-$k" -initrd "$BOOT/initrd.img-$k" \
		-drive "file=$IMG,format=raw,if=virtio,cache=unsafe" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 systemd.show_status=1" \
		</dev/null >"$con" 2>&1 &
	QEMU_PID=$!
	local start=$SECONDS
	if ! vm_stall=$BOOT_STALL vm_timeout=$BOOT_TIMEOUT vm_wait "$QEMU_PID" "$con" "$res"; then
		QEMU_PID=
		fail "${PFX}boot $k" "$vm_why (TRACER_BOOT_STALL, TRACER_BOOT_TIMEOUT); last console line: $(vm_last_line "$con")"
	else
		QEMU_PID=
		note "boot $k: VM powered off after $((SECONDS - start))s"
	fi
	tr -d '\r' <"$res" >"$res.txt"
	vm_results "$res.txt" "${PFX}boot $k: "
	finished=$?
	grep -v '^RESULT' "$res.txt" | sed "s/^/#   [$k] /"
	if [ "$finished" != 0 ]; then
		fail "${PFX}boot $k: checks ran to the end" "no 'RESULT done' (console log tail below)"
		tr -d '\r' <"$con" | tail -n 25 | sed "s/^/#   [$k console] /"
	fi
	if tr -d '\r' <"$con" | grep -aE "$vm_complaints" >"$WORK/bad-$k.log"; then
		fail "${PFX}boot $k: kernel log clean" "$(head -n 3 "$WORK/bad-$k.log")"
	else
		ok "${PFX}boot $k: kernel log clean"
	fi
}
leftovers() { # what of the package is still there
	{ ls -d "$RFS"/lib/modules/*/updates/dkms/tracer.ko* "$RFS"/usr/src/tracer-* \
		"$RFS"/var/lib/dkms/tracer 2>/dev/null; dkms_status; } | sed "s|^$RFS||"
}

# --- 2-4. the user journey on one Debian suite --------------------------------
# journey SUITE DEBIAN-VERSION FIRST-RE UPGRADE-RE PREFIX [APT-OPTION...]:
#  2. a root file system of SUITE (harness/mkbase, cached), its
#     first kernel the newest linux-image package matching FIRST-RE;
#     apt install ./tracer-dkms_*.deb builds the module for it; then the
#     newest kernel matching UPGRADE-RE (installed with APT-OPTIONs, with
#     its headers): the DKMS kernel hook alone builds the module for it
#  3. an ext4 image of the root; each kernel boots it in QEMU (vm-check)
#  4. apt remove/purge tracer-dkms leaves nothing behind
# Test names start with PREFIX.  Sets RFS (left mounted after step 4), K1
# and K2; returns non-zero when there was no root to go on with.
PFX=
K1='' K2=''
USED=
newest_available() { # the newest package whose name matches an ERE
	in_root apt-cache search --names-only "$1" 2>/dev/null | awk '{print $1}' |
		grep -E "$1" | sort -V | tail -n1
}
installed_matching() { # installed packages whose name matches an ERE
	in_root dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 'linux-image-*' 2>/dev/null |
		awk '$1 == "ii" {print $2}' | grep -E "$1" | sort -V
}
dkms_make_log() { # the end of the last DKMS build log of tracer
	local f
	f=$(ls -t $(find "$RFS/var/lib/dkms/tracer" -name make.log 2>/dev/null) 2>/dev/null | head -n1)
	[ -n "$f" ] && tail -n 25 "$f" | sed "s|^|#   [${f#"$RFS"}] |"
}
# dkms.conf's BUILD_EXCLUSIVE_KERNEL: a kernel older than 5.10 (here a
# made-up 5.4.0-1-amd64, with the first kernel's headers behind it) is
# skipped with exit code 77, which a kernel upgrade does not treat as a
# failure, by this suite's dkms.
old_kernel_skipped() {
	local rel=5.4.0-1-amd64 hdr rc
	hdr=$(ls -d "$RFS"/usr/src/linux-headers-*-amd64 2>/dev/null | head -n1)
	mkdir -p "$RFS/lib/modules/$rel"
	ln -sfn "${hdr#"$RFS"}" "$RFS/lib/modules/$rel/build"
	in_root dkms build "tracer/$VERSION" -k "$rel" >"$L-old-kernel.log" 2>&1
	rc=$?
	rm -rf "${RFS:?}/lib/modules/$rel" "$RFS/var/lib/dkms/tracer/$VERSION/$rel"
	if [ "$rc" = 77 ] && grep -q BUILD_EXCLUSIVE "$L-old-kernel.log"; then
		ok "${PFX}dkms $(in_root dkms --version 2>/dev/null | sed 's/^dkms-//') skips a kernel before 5.10 (exit 77)"
	else
		fail "${PFX}dkms skips a kernel before 5.10" "exit $rc: $(tail -n 2 "$L-old-kernel.log" | tr '\n' ' ')"
	fi
}

journey() {
	local suite=$1 debver=$2 first_re=$3 up_re=$4 L
	PFX=$5; shift 5
	local upopts=("$@") old pkg f before after new left d
	RFS=$WORK/root-$suite L=$WORK/$suite
	K1='' K2=''

	# 2. the root, the .deb on the first kernel, then the upgrade kernel
	if ! "$ROOT/harness/mkbase" "$RFS" "$suite" >"$L-mkbase.log" 2>&1; then
		fail "${PFX}Debian $debver root file system (debootstrap $suite)" "see below"
		tail -n 20 "$L-mkbase.log"; return 1
	fi
	ok "${PFX}Debian $debver root file system ($(grep -o 'using cached.*\|debootstrap [a-z]* into.*' "$L-mkbase.log" | head -n1 | cut -c1-60))"
	note "$suite root file system ready at $(elapsed)"
	mount_chroot || { fail "${PFX}chroot mounts" "mount failed"; return 1; }
	in_root apt-get update >"$L-apt-update.log" 2>&1 ||
		note "apt-get update in the $suite chroot failed (using its cached lists)"

	# The first kernel: the newest in the archive now (old ABIs vanish
	# from it).  A cached root whose kernel has since been superseded
	# moves to the new one first, so that it has only that one.
	pkg=$(newest_available "$first_re")
	old=$(installed_matching "$first_re")
	if [ -z "$pkg" ]; then
		pkg=$(echo "$old" | tail -n1)
		note "$suite: no package matching $first_re in the archive; using the root's ${pkg:-none}"
	elif ! echo "$old" | grep -qx "$pkg"; then
		note "$suite: the cached root has $(echo $old); moving it to $pkg first"
		if nice chroot "$RFS" apt-get install -y --no-install-recommends \
			"$pkg" "linux-headers-${pkg#linux-image-}" >"$L-k1-install.log" 2>&1 &&
			nice chroot "$RFS" apt-get purge -y $(for o in $old; do
				echo "$o" "linux-headers-${o#linux-image-}"; done) >>"$L-k1-install.log" 2>&1 &&
			nice chroot "$RFS" apt-get autoremove --purge -y >>"$L-k1-install.log" 2>&1; then
			:
		else
			fail "${PFX}first kernel $pkg in the root" "see below"
			tail -n 20 "$L-k1-install.log"; pkg=
		fi
	fi
	K1=${pkg#linux-image-}
	note "$suite: first kernel ${K1:-none} (newest of $first_re)"
	if [ -z "$K1" ] || [ ! -d "$RFS/lib/modules/$K1" ] || [ ! -d "$RFS/usr/src/linux-headers-$K1" ]; then
		fail "${PFX}first kernel with its headers in the root" "${K1:-no kernel}: no /lib/modules or /usr/src/linux-headers"
	fi

	cp "$DEB" "$RFS/tmp/"
	if nice chroot "$RFS" apt-get install -y --no-install-recommends "/tmp/$(basename "$DEB")" \
		>"$L-deb-install.log" 2>&1; then
		ok "${PFX}apt install ./tracer-dkms_${VERSION}_all.deb in the chroot"
	else
		fail "${PFX}apt install ./tracer-dkms_${VERSION}_all.deb in the chroot" "see below"
		tail -n 30 "$L-deb-install.log"
	fi
	f=$(modfile "$K1")
	if [ -n "$K1" ] && [ -n "$f" ] && dkms_status | grep -q "tracer/$VERSION, $K1, .*: installed"; then
		ok "${PFX}DKMS built and installed ${f#"$RFS"} for $K1"
	else
		fail "${PFX}DKMS built tracer for ${K1:-the first kernel}" "module file: ${f:-none}; dkms status: $(dkms_status)"
		grep -v '^(Reading database' "$L-deb-install.log" | grep -i -A5 'error\|tracer' | tail -n 30
		dkms_make_log
	fi
	in_root getent group tracer >/dev/null && ok "${PFX}postinst created the system group tracer" ||
		fail "${PFX}postinst created the system group tracer" "no group tracer"
	old_kernel_skipped
	before=$(dkms_status)
	echo "# $suite: dkms status before the new kernel:"; echo "$before" | sed 's/^/#   /'

	pkg=$(newest_available "$up_re")
	K2=${pkg#linux-image-}
	note "$suite: upgrade kernel ${K2:-none} (newest of $up_re${upopts[*]:+, apt-get ${upopts[*]}})"
	if [ -z "$K2" ]; then
		fail "${PFX}upgrade kernel available" "apt-cache search found nothing matching $up_re"
	elif nice chroot "$RFS" apt-get install -y --no-install-recommends "${upopts[@]}" \
		"linux-image-$K2" "linux-headers-$K2" >"$L-k2-install.log" 2>&1; then
		ok "${PFX}apt install ${upopts[*]:+${upopts[*]} }linux-image-$K2 linux-headers-$K2"
	else
		fail "${PFX}apt install ${upopts[*]:+${upopts[*]} }linux-image-$K2 linux-headers-$K2" "see below"
		tail -n 30 "$L-k2-install.log"
	fi
	if [ -n "$K2" ]; then
		# What the kernel's packages are (from Debian 13's backports on,
		# linux-image-R is a metapackage of linux-binary-R, linux-modules-R
		# and linux-base-R), and that they brought a bootable kernel.
		new=$(in_root dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 2>/dev/null |
			awk '$1 == "ii" {print $2}' | grep -F -- "$K2" | tr '\n' ' ')
		note "$suite: installed for $K2: $new"
		if [ -f "$RFS/boot/vmlinuz-$K2" ] && [ -f "$RFS/boot/initrd.img-$K2" ] &&
			[ -d "$RFS/lib/modules/$K2/kernel" ] && [ -f "$RFS/lib/modules/$K2/modules.dep" ]; then
			ok "${PFX}linux-image-$K2 brought vmlinuz, initrd.img and the modules"
		else
			fail "${PFX}linux-image-$K2 brought vmlinuz, initrd.img and the modules" \
				"$(cd "$RFS" && ls -d boot/vmlinuz-$K2 boot/initrd.img-$K2 lib/modules/$K2/kernel 2>&1 | tr '\n' ' ')"
		fi
	fi
	after=$(dkms_status)
	echo "# $suite: dkms status after the new kernel:"; echo "$after" | sed 's/^/#   /'
	f=$(modfile "$K2")
	if [ -n "$K2" ] && [ -n "$f" ] &&
		echo "$after" | grep -q "tracer/$VERSION, $K2, .*: installed" &&
		echo "$after" | grep -q "tracer/$VERSION, $K1, .*: installed"; then
		ok "${PFX}kernel hook: DKMS built ${f#"$RFS"} for $K2, $K1 kept"
	else
		fail "${PFX}kernel hook built tracer for ${K2:-the new kernel}" "module file: ${f:-none}"
		grep -v '^(Reading database' "$L-k2-install.log" | grep -i -B2 -A8 'dkms\|tracer\|error' | tail -n 40
		dkms_make_log
	fi
	USED="$USED $suite: $K1 -> $K2;"
	note "$suite chroot installs done at $(elapsed)"

	# 3. boot each kernel in QEMU
	install -m 0755 "$WORK/tracer-probe" "$RFS/usr/local/bin/tracer-probe" 2>/dev/null
	install -m 0755 "$HERE/vm-check" "$RFS/usr/local/bin/tracer-vm-check"
	cat >"$RFS/etc/systemd/system/tracer-check.service" <<'UNIT'
[Unit]
Description=tracer-dkms package test (tests/packages/vm-check)
After=systemd-udev-settle.service systemd-udevd.service systemd-tmpfiles-setup-dev.service local-fs.target
Wants=systemd-udevd.service

[Service]
Type=oneshot
ExecStart=/usr/local/bin/tracer-vm-check
StandardOutput=journal+console
TimeoutStartSec=200

[Install]
WantedBy=multi-user.target
UNIT
	mkdir -p "$RFS/etc/systemd/system/multi-user.target.wants"
	ln -sf ../tracer-check.service "$RFS/etc/systemd/system/multi-user.target.wants/tracer-check.service"
	in_root sh -c 'id nobodyt >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin nobodyt;
		id tracert >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin -G tracer tracert'
	# No login prompt on the console: the log stays readable.
	ln -sf /dev/null "$RFS/etc/systemd/system/serial-getty@ttyS0.service"
	ln -sf /dev/null "$RFS/etc/systemd/system/getty@tty1.service"

	# Boot and kernel files from the tree; the image leaves out what the VM
	# does not need (headers) to be made faster.
	umount_chroot
	BOOT=$WORK/boot-$suite IMG=$WORK/disk-$suite.img
	mkdir -p "$BOOT" "$WORK/aside"
	cp "$RFS"/boot/vmlinuz-* "$RFS"/boot/initrd.img-* "$BOOT/"
	for d in "$RFS"/usr/src/linux-headers-*; do mv "$d" "$WORK/aside/"; done
	local size_mb=$(( $(du -sm "$RFS" | cut -f1) * 13 / 10 + 512 )) k
	rm -f "$IMG"; truncate -s "${size_mb}M" "$IMG"
	if nice mkfs.ext4 -q -F -L root -d "$RFS" "$IMG" >"$L-mkfs.log" 2>&1; then
		ok "${PFX}ext4 image of the root file system (${size_mb} MB, sparse)"
	else
		fail "${PFX}ext4 image of the root file system" "$(tail -n 3 "$L-mkfs.log")"
	fi
	for d in "$WORK"/aside/*; do mv "$d" "$RFS/usr/src/"; done
	note "$suite image ready at $(elapsed)"
	for k in $K1 $K2; do
		if [ -f "$BOOT/vmlinuz-$k" ] && [ -f "$BOOT/initrd.img-$k" ]; then
			boot_kernel "$k"
		else
			fail "${PFX}boot $k" "no vmlinuz/initrd.img for $k in the chroot's /boot"
		fi
		note "boot $k done at $(elapsed)"
	done
	[ "${TRACER_KEEP:-0}" = 1 ] || rm -f "$IMG"

	# 4. remove and purge the .deb
	mount_chroot || { fail "${PFX}chroot mounts" "mount failed"; return 1; }
	if nice chroot "$RFS" apt-get remove -y tracer-dkms >"$L-deb-remove.log" 2>&1; then
		left=$(leftovers)
		if [ -z "$left" ]; then
			ok "${PFX}apt remove tracer-dkms: no tracer.ko, no dkms entry, no /usr/src/tracer-*"
		else
			fail "${PFX}apt remove tracer-dkms leaves nothing" "$(echo $left)"
		fi
	else
		fail "${PFX}apt remove tracer-dkms" "$(tail -n 5 "$L-deb-remove.log")"
	fi
	if chroot "$RFS" apt-get purge -y tracer-dkms >>"$L-deb-remove.log" 2>&1; then
		left=$(leftovers; in_root dpkg -L tracer-dkms 2>/dev/null | while read -r f; do
			[ -f "$RFS$f" ] && echo "$f"; done; ls "$RFS/etc/modprobe.d/tracer.conf" 2>/dev/null)
		if [ -z "$left" ] && ! in_root dpkg -s tracer-dkms >/dev/null 2>&1; then
			ok "${PFX}apt purge tracer-dkms: no file of the package left (conffile included)"
		else
			fail "${PFX}apt purge tracer-dkms leaves nothing" "$(echo $left)"
		fi
	else
		fail "${PFX}apt purge tracer-dkms" "$(tail -n 5 "$L-deb-remove.log")"
	fi
	return 0
}

#!/usr/bin/env bash
# setup.sh: the Debian 12 packages the vagrant tier needs, on top of scripts/setup-debian.sh
# (kept apart so that the default tiers do not pull in Vagrant, libvirt and QEMU).
# Installing them starts nothing: the tier runs its own libvirtd inside a namespace
# (tests/vagrant/lib/libvirt-ns.sh); the machine's libvirtd may stay stopped.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "setup.sh: run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
  vagrant vagrant-libvirt libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients \
  qemu-system-x86 qemu-utils dnsmasq-base iptables e2fsprogs mmdebstrap openssh-client jq

#!/usr/bin/env bash
# Builds and runs the tests, as root on Debian 12 (it installs what it needs first).
#   scripts/test.sh          the default tiers, well under 15 minutes: unit (Catch2), integration
#                            (the static binary against a temp --root and a local HTTPS server),
#                            systemd (systemd-analyze on every rendered unit), chroot (the binary in
#                            a Debian bullseye chroot), kafka-config (validate against the real
#                            KafkaConfig of nine releases), bench-smoke, images-static (the Packer,
#                            image and Terraform files through HashiCorp's HCL2 parser); then the
#                            unit tests under ASan+UBSan and a bounded libFuzzer run of the parsers
#   scripts/test.sh --all    also the cluster tier (nspawn hosts under real systemd running real
#                            Kafka, assembled from Maven Central by tests/realkafka/; the tier ~11 minutes, the whole .ci/run ~30)
#                            and the images tier (`bake` in a chroot, the baked image booted as
#                            nspawn hosts that join by their first-boot unit and an IMDS emulator)
#                            and the images-vm test (the baked image booted once as a QEMU VM:
#                            software emulation, a real kernel, virtio disk and NIC; ~4 min)
#                            and the vagrant tier (`vagrant up` of 3 VMs of the baked box with
#                            vagrant-libvirt on QEMU's software emulation, halt/up, destroy; 14-18 min;
#                            it installs Vagrant and libvirt first: tests/vagrant/setup.sh)
#   KA_TEST_LABELS='^kafka-config-slow$' scripts/test.sh
#                            the slow tier, not in the default: the KafkaConfig/ZooKeeper differential
#                            on a fresh random seed (printed; replay with KA_DIFF_SEED=N), a few minutes
# KA_TEST_LABELS overrides the CTest label regex (anchored: kafka-config is not kafka-config-slow);
# KA_FUZZ_SECONDS the fuzzing time per target (0 skips fuzzing); KA_SKIP_SANITIZERS=1 skips the
# ASan+UBSan build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
labels=${KA_TEST_LABELS:-^(unit|integration|systemd|chroot|kafka-config|bench-smoke|images-static)$}
cluster=0
if [ "${1:-}" = "--all" ]; then cluster=1; fi
jobs=$(nproc)
t0=$(date +%s)

"$here/scripts/setup-debian.sh"

# The real Kafka jars of every release line, for the KafkaConfig differential (set-up, cached).
if [[ "$labels" == *kafka-config* ]]; then
  for v in 3.6.2 3.7.2 3.8.1 3.9.1 4.0.1 4.1.2 4.2.1 4.3.1 4.4.0; do "$here/scripts/kafka-libs.sh" "$v" > /dev/null; done
fi

# The real Kafka distributions of the cluster tier, assembled from Maven Central (set-up, cached),
# so that the tests themselves reach nothing outside this machine.
if [ "$cluster" = 1 ]; then
  for v in 4.3.1 4.1.1 3.9.1; do "$here/tests/realkafka/build.sh" "$v" > /dev/null; done
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs" -L "$labels"
# tier LABEL: one slow tier, one test at a time; its figures (the RESULT lines) printed, and its
# whole log kept as build/Testing/LABEL.log (CTest's LastTest.log is overwritten by the next run).
tier() {
  local rc=0
  ctest --test-dir build --output-on-failure -j1 -L "^$1\$" || rc=$?
  cp build/Testing/Temporary/LastTest.log "build/Testing/$1.log" 2>/dev/null || true
  grep -h '^RESULT' "build/Testing/$1.log" 2>/dev/null || true
  return $rc
}
# The cluster tier one scenario at a time: each runs up to 8 real JVMs on this machine's 2 cores.
if [ "$cluster" = 1 ]; then
  tier cluster
  # The image tier after it, on the same rootfs and Kafka builds: baked images booted as hosts.
  tier images
  # And the same image once as a real VM (QEMU, software emulation: it wants both cores).
  tier images-vm
  # And a Vagrant cluster of 3 such VMs (its own libvirtd inside a namespace it makes).
  "$here/tests/vagrant/setup.sh" > /dev/null
  tier vagrant
  labels="$labels|cluster|images|images-vm|vagrant"
fi

if [ -z "${KA_SKIP_SANITIZERS:-}" ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKA_SANITIZE=ON > /dev/null
  cmake --build build-asan -j"$jobs" --target $(cd build && ls test_* 2>/dev/null | tr '\n' ' ')
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -L unit
fi

fuzz_seconds=${KA_FUZZ_SECONDS:-20}
if [ "$fuzz_seconds" != 0 ]; then
  "$here/scripts/fuzz.sh" "$fuzz_seconds"
fi
echo "scripts/test.sh: all tiers passed ($labels) in $(( $(date +%s) - t0 )) s"

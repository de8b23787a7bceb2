#!/usr/bin/env bash
# shellcheck disable=SC2015  # A && B || fail is meant
# Baked images of real Kafka (KA_IMAGES_KRAFT_VERSION, default 4.3.1) joining by themselves.
# `kafka-appliance bake --role broker` runs in a chroot of the Debian 12 rootfs (the image must come
# out clean); every host boots a copy of it under real systemd and its first-boot unit reads the
# instance metadata from the IMDS emulator at 169.254.169.254 (its own tags and user-data per
# host address). Static quorum: 3 controllers (tags role, cluster-id, controllers: each finds its
# node ID by its address in the list) and 3 brokers (role from the image, node ID from the address
# by user-data `node-id-from = "ip"`), all started at once; time to "all nodes in the quorum" and
# the tool's own share. Then with Kafka's VerifiableProducer (acks=all) running the whole time:
#   - a reboot of a controller: the first-boot unit does not run again (no metadata request at
#     all), same identity, a voter again;
#   - a brand-new broker booted while the IMDS is down: its unit fails with one clear line, no
#     marker, nothing started; IMDS back, reboot: it joins;
#   - a replaced broker (terminated; a new host at a new address with the old data volume): the
#     same node ID and directory ID whatever its address says, back in the ISR;
#   - a brand-new broker added to the running cluster joins;
# and at the end everything acknowledged is consumed back.
set -euo pipefail
# shellcheck source=lib/images.sh
. "$(dirname "$0")/lib/images.sh"
images_init

# The broker image; controllers get their role from a tag.
images_three_by_three "${KA_IMAGES_KRAFT_VERSION:-4.3.1}" broker static

# --- first boot of 3 controllers + 3 brokers, all at once ------------------------------------------
images_first_boot
log "static quorum from the image: every first-boot unit done ${t_units} s after the hosts started; all 6 nodes in the quorum (voters [1,2,3], observers $observers) at ${t_quorum} s by c1's status, at ${t_raft} s by their Kafka logs, ${t_after_ctl} s after the last controller's server started at ${t_ctl} s (goal: 15 s); all serving at ${t_started} s"
for i in 1 2 3; do
  cluster_exec "c$i" grep -qx "node-id=$i" /var/lib/kafka-appliance/firstboot.done || fail "c$i: the done-marker does not say node-id=$i"
  images_firstboot_journal "c$i" | grep -q "node ID $i from this instance's address $(cluster_ip "c$i") in the controllers list" \
    || fail "c$i: the journal does not say where its node ID came from"
done
for h in "${brokers[@]}"; do
  images_firstboot_journal "$h" | grep -q "role broker from the image" || fail "$h: the role did not come from the image"
  cluster_exec "$h" grep -qx "broker.rack=${KA_AZS[$(( $(images_node_id "$h") % 3 ))]}" /etc/kafka/server.properties || fail "$h: broker.rack is not its availability zone"
  cluster_exec "$h" grep -qx "advertised.listeners=PLAINTEXT://$(cluster_ip "$h"):9092" /etc/kafka/server.properties || fail "$h: not advertised at local-ipv4"
done
log "identities from the metadata: controllers 1-3 by their addresses, brokers $observers from theirs, racks from the zones"
# Kafka's class-data archive, trained by bake (docs/appcds.md): kafka.service's JVM maps it, in
# the unit's sandbox, as user kafka.
for h in c1 b1; do
  pid=$(cluster_exec "$h" systemctl show -p MainPID --value kafka.service)
  cluster_exec "$h" grep -q ' /var/lib/kafka-appliance-cds/.*/server\.jsa$' "/proc/$pid/maps" \
    || fail "$h: kafka.service's JVM (pid $pid) does not map the server's class-data archive; jvm.env: $(cluster_exec "$h" grep KAFKA_OPTS /etc/kafka/jvm.env)"
done
log "kafka.service's JVM maps the server's class-data archive bake made (c1, b1)"

# --- clients, the whole time -----------------------------------------------------------------------
bs=$(cluster_ip b1):9092,$(cluster_ip b2):9092
produce_acked cl "$bs"

# --- reboot of a controller ------------------------------------------------------------------------
fault_begin "reboot controller c2"
t0=$(now)
images_reboot c2 kafka.service
cluster_wait_healthy c2 180 >/dev/null || fail "c2 is not healthy 180 s after its reboot"
cluster_status c2 | jq -e '.node_id == 2 and .quorum.voters == [1,2,3]' >/dev/null || fail "c2 after the reboot: $(cluster_status c2)"
t_reboot=$(elapsed "$t0")
fault_end
log "c2 rebooted: first-boot unit skipped by its condition, no metadata request, marker and meta.properties unchanged, a voter again ${t_reboot} s after the power-off"

# --- a brand-new broker booted while the IMDS is down ----------------------------------------------
images_add_host b4
images_instance b4 "$btag" "$bud"
images_imds down
t0=$(now)
cluster_start b4
s=$(images_wait_firstboot b4 120) || fail "b4's first-boot unit neither failed nor finished with the IMDS down (state $s)"
[ "$s" = failed ] || fail "b4's first-boot unit did not fail with the IMDS down"
j=$(images_firstboot_journal b4)
errs=$(grep -c '^kafka-appliance: error:\|^error:' <<<"$j" || true)
grep -q "no answer from the instance metadata service at http://$KA_IMDS_ADDR" <<<"$j" || fail "b4's journal does not name the metadata service: $j"
[ "$errs" = 1 ] || fail "b4's journal has $errs error lines, not one: $j"
cluster_exec b4 test ! -e /var/lib/kafka-appliance/firstboot.done || fail "b4 wrote the done-marker although its first boot failed"
[ "$(cluster_exec b4 systemctl is-active kafka.service)" != active ] || fail "kafka.service runs on b4 after a failed first boot"
log "IMDS down: b4's first-boot unit failed in $(elapsed "$t0") s with: $(grep -m1 'error' <<<"$j")"
images_imds none
t0=$(now)
cluster_poweroff b4
cluster_start b4
s=$(images_wait_firstboot b4 300) || fail "b4's first-boot unit did not finish after the IMDS came back (state $s)"
[ "$s" = active ] || fail "b4's first boot failed again with the IMDS back: $(images_firstboot_journal b4 -b 0 | tail -5)"
until images_in_quorum "[$(images_node_id b4)]"; do le 120 "$(elapsed "$t0")" && fail "b4 is not an observer of the quorum"; sleep 0.5; done
t_imds=$(elapsed "$t0")
log "IMDS back, b4 rebooted: broker $(images_node_id b4) in the quorum ${t_imds} s after the reboot ($(images_firstboot_figures b4))"

# --- a replaced broker and a brand-new one -----------------------------------------------------------
# Each log directory has its own directory ID; the quorum knows the metadata directory's.
dir3=$(sed -n 's/^directory.id=//p' "$KA_CLUSTER_WORK/b3/root/var/lib/kafka/data/meta.properties")
mdir3=$(sed -n 's/^directory.id=//p' "$KA_CLUSTER_WORK/b3/root/var/lib/kafka/meta/meta.properties")
[ -n "$dir3" ] && [ -n "$mdir3" ] || fail "b3 has no directory.id"
fault_begin "b3 terminated and replaced"
cluster_poweroff b3
images_add_host b3r
images_add_host b5
# The old data volume attached to the new instance (its content: the same image, the same kafka uid).
rm -rf "$KA_CLUSTER_WORK/b3r/root/var/lib/kafka"
cp -a "$KA_CLUSTER_WORK/b3/root/var/lib/kafka" "$KA_CLUSTER_WORK/b3r/root/var/lib/kafka"
images_instance b3r "$btag" "$bud"
images_instance b5 "$btag" "$bud"
t0=$(now)
cluster_start b3r b5
for h in b3r b5; do
  s=$(images_wait_firstboot "$h" 300) || fail "$h's first-boot unit did not finish (state $s)"
  [ "$s" = active ] || fail "$h's first boot failed: $(images_firstboot_journal "$h" | tail -5)"
done
old=$(images_node_id b3)
until images_in_quorum "[$old,$(images_node_id b5)]"; do le 120 "$(elapsed "$t0")" && fail "b3r and b5 are not both in the quorum: $(cluster_status c1)"; sleep 0.5; done
t_join=$(elapsed "$t0")
images_firstboot_journal b3r | grep -q "kept node ID $old, directory ID $dir3" || fail "b3r did not keep node $old / directory $dir3: $(images_firstboot_journal b3r)"
cluster_exec b3r grep -qx "node-id=$old" /var/lib/kafka-appliance/firstboot.done || fail "b3r's marker does not say node $old"
[ "$(cluster_exec b3r sed -n 's/^directory.id=//p' /var/lib/kafka/data/meta.properties)" = "$dir3" ] \
  && [ "$(cluster_exec b3r sed -n 's/^directory.id=//p' /var/lib/kafka/meta/meta.properties)" = "$mdir3" ] || fail "b3r's directory IDs changed"
q=$(images_quorum c1 "$(cluster_ip c1):9093" --status)
grep -q "\"id\": *$old, *\"directoryId\": *\"$mdir3\"" <<<"$q" || fail "the quorum does not list observer $old with its metadata directory $mdir3: $q"
cluster_exec b3r grep -qx "advertised.listeners=PLAINTEXT://$(cluster_ip b3r):9092" /etc/kafka/server.properties || fail "b3r does not advertise its new address"
back=$(wait_in_sync cl "$bs" acked 240) || fail "the replaced broker $old did not get back in sync"
fault_end
log "b3 replaced by b3r at $(cluster_ip b3r): node $old, directory IDs $dir3 (data) and $mdir3 (metadata, the quorum's) kept from the volume, in the quorum ${t_join} s after boot, topic in sync ${back} s later ($(images_firstboot_figures b3r))"
log "brand-new broker b5: node $(images_node_id b5) in the quorum ${t_join} s after boot ($(images_firstboot_figures b5))"

# --- nothing acknowledged is lost ------------------------------------------------------------------
verify_acked cl "$bs"
echo "RESULT images_kraft_static version=$version units_done_s=$t_units quorum_s=$t_quorum quorum_log_s=$t_raft last_controller_log_s=$t_ctl quorum_after_last_controller_s=$t_after_ctl started_log_s=$t_started tool_max_s=$tool_max reboot_s=$t_reboot imds_down_rejoin_s=$t_imds replaced_and_new_s=$t_join stalls_s=[$stalls] verify=[$KA_VERIFY] scenario_s=$(elapsed "$t_scenario")"

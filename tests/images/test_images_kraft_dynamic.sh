#!/usr/bin/env bash
# shellcheck disable=SC2015  # A && B || fail is meant
# A dynamic KRaft quorum (KIP-853) of real Kafka (KA_IMAGES_KRAFT_VERSION, default 4.3.1) from a
# baked image: the launch templates' tags say `kafka-appliance:quorum = dynamic` and list the
# initial controllers; at their first boot the 3 controllers format with --initial-controllers
# (the whole set, from the tag) and the 3 brokers with --no-initial-controllers, all by
# themselves. Checked: no controller.quorum.voters rendered, each controller's bootstrap
# checkpoint, voters [1,2,3] with the directory IDs of their meta.properties, the brokers as
# observers; the time from host start to "all nodes in the quorum" and the tool's share. Then a
# controller rebooted: its unit skipped, the same directory ID a voter again. Then a fourth
# controller, not in the initial set, boots from the image and joins by itself (formats with
# --no-initial-controllers; Kafka 4.2+ auto-join): voter 4 with its directory ID, the time from its
# host start printed. The producer (acks=all) runs through all of it; everything acknowledged is
# consumed back.
set -euo pipefail
# shellcheck source=lib/images.sh
. "$(dirname "$0")/lib/images.sh"
images_init

images_three_by_three "${KA_IMAGES_KRAFT_VERSION:-4.3.1}" controller dynamic
initial=$voters

images_first_boot
log "dynamic quorum from the image: every first-boot unit done ${t_units} s after the hosts started; all 6 nodes in the quorum at ${t_quorum} s by c1's status, at ${t_raft} s by their Kafka logs, ${t_after_ctl} s after the last controller's server started at ${t_ctl} s (goal: 15 s); all serving at ${t_started} s"

q=$(images_quorum c1 "$(cluster_ip c1):9093" --status)
for i in 1 2 3; do
  h=c$i
  images_firstboot_journal "$h" | grep -q "dynamic quorum: formats as one of the 3 initial controllers" || fail "$h did not format as an initial controller"
  cluster_exec "$h" grep -q '^controller.quorum.voters=' /etc/kafka/server.properties && fail "$h: a dynamic quorum must not have controller.quorum.voters"
  cluster_exec "$h" test -f /var/lib/kafka/meta/bootstrap.checkpoint || fail "$h: no bootstrap checkpoint"
  d=$(cluster_exec "$h" sed -n 's/^directory.id=//p' /var/lib/kafka/meta/meta.properties)
  grep -q "\"id\": *$i, *\"directoryId\": *\"$d\"" <<<"$q" || fail "$h's directory ID $d is not voter $i's: $q"
done
for h in "${brokers[@]}"; do
  cluster_exec "$h" grep -q '^controller.quorum.bootstrap.servers=' /etc/kafka/server.properties || fail "$h: no controller.quorum.bootstrap.servers"
done
log "voters [1,2,3] with their formatted directory IDs; brokers $observers observers through controller.quorum.bootstrap.servers"

bs=$(cluster_ip b1):9092,$(cluster_ip b2):9092
produce_acked cl "$bs"

# --- reboot of a dynamic-quorum controller ----------------------------------------------------------
d3=$(cluster_exec c3 sed -n 's/^directory.id=//p' /var/lib/kafka/meta/meta.properties)
fault_begin "reboot controller c3"
t0=$(now)
images_reboot c3 kafka.service
cluster_wait_healthy c3 180 >/dev/null || fail "c3 is not healthy 180 s after its reboot"
q=$(images_quorum c1 "$(cluster_ip c1):9093" --status)
grep -q "\"id\": *3, *\"directoryId\": *\"$d3\"" <<<"$q" || fail "c3 is not voter 3 with directory $d3 after the reboot: $q"
t_reboot=$(elapsed "$t0")
fault_end
log "c3 rebooted: first-boot unit skipped, voter 3 with directory $d3 again ${t_reboot} s after the power-off"

# --- a later controller joins the running quorum from the image -------------------------------------
# Not in the initial set: the controllers' tags and its own node ID (as Terraform tags a fixed
# instance). Its first boot formats with --no-initial-controllers and Kafka 4.2+ adds it as a
# voter by itself (controller.quorum.auto.join.enable, rendered by the product).
images_add_host c4
images_instance c4 "$(jq -c '. + {"kafka-appliance:node-id": "4"}' <<<"$ctag")" "$cud"
fault_begin "controller c4 joins"
t0=$(now)
cluster_start c4
s=$(images_wait_firstboot c4 400) || fail "c4's first-boot unit did not finish in 400 s (state $s)"
[ "$s" = active ] || fail "c4's first boot failed: $(images_firstboot_journal c4 | tail -5)"
until cluster_status c1 2>/dev/null | jq -e '.quorum.voters == [1,2,3,4]' >/dev/null; do
  le 180 "$(elapsed "$t0")" && fail "c4 is not a voter 180 s after its host started: $(cluster_status c1)"; sleep 0.5
done
t_c4=$(elapsed "$t0")
fault_end
j=$(images_firstboot_journal c4)
grep -q "dynamic quorum: formats with --no-initial-controllers and joins the running quorum" <<<"$j" || fail "c4 did not format as a later controller: $j"
grep -q "node ID 4 from tag kafka-appliance:node-id" <<<"$j" || fail "c4's journal does not say where its node ID came from: $j"
grep -q "voter 4 (auto-join)" <<<"$j" || fail "c4's first boot did not wait for it to become a voter: $j"
cluster_exec c4 grep -qx 'controller.quorum.auto.join.enable=true' /etc/kafka/server.properties || fail "c4: no controller.quorum.auto.join.enable=true"
cluster_exec c4 grep -qx "advertised.listeners=CONTROLLER://$(cluster_ip c4):9093" /etc/kafka/server.properties || fail "c4: its controller endpoint is not advertised at local-ipv4"
d4=$(cluster_exec c4 sed -n 's/^directory.id=//p' /var/lib/kafka/meta/meta.properties)
q=$(images_quorum c1 "$(cluster_ip c1):9093" --status)
grep -q "\"id\": *4, *\"directoryId\": *\"$d4\"" <<<"$q" || fail "c4's directory ID $d4 is not voter 4's: $q"
joined=$(sed -n 's/^\[join\] \(.* after its start\)$/\1/p' <<<"$j")
log "later controller c4: formatted with --no-initial-controllers, voter 4 with directory $d4 ${t_c4} s after its host started (the join step: a voter ${joined%% after*} after Kafka started; $(images_firstboot_figures c4))"

verify_acked cl "$bs"
echo "RESULT images_kraft_dynamic version=$version units_done_s=$t_units quorum_s=$t_quorum quorum_log_s=$t_raft last_controller_log_s=$t_ctl quorum_after_last_controller_s=$t_after_ctl started_log_s=$t_started tool_max_s=$tool_max reboot_s=$t_reboot later_controller_voter_s=$t_c4 stalls_s=[$stalls] verify=[$KA_VERIFY] scenario_s=$(elapsed "$t_scenario")"

#!/usr/bin/env bash
# shellcheck disable=SC2015  # A && B || fail is meant
# ZooKeeper mode of real Kafka 3.9 (KA_IMAGES_ZK_VERSION, default 3.9.1) from baked images: the
# zookeeper image (images/zookeeper.pkrvars.hcl) and the broker image of the same release
# (images/broker.pkrvars.hcl with kafka_version = 3.9.1), each baked in a chroot. 3 ZooKeeper
# hosts and 5 broker hosts started at once join by themselves through their first-boot unit, with
# what a Terraform user sets: the members at fixed addresses, tagged with role and node ID (their
# myid), the ensemble in the user-data; the brokers from one launch template (tag role, user-data
# with the ZooKeeper connect string and `node-id-from = "ip"`), no cluster ID anywhere (ZooKeeper
# mode takes ZooKeeper's). Checked: one leader and two followers by srvr, every member and broker
# healthy by `status`, all 5 brokers in /brokers/ids; a broker rebooted (first-boot unit skipped,
# no metadata request, identity kept, registered again and in sync); Kafka's VerifiableProducer
# (acks=all) runs through it and everything acknowledged is consumed back. Printed: host start to
# every first-boot unit done and to every broker registered, and the tool's longest run.
set -euo pipefail
# shellcheck source=lib/images.sh
. "$(dirname "$0")/lib/images.sh"
images_init

images_bake "${KA_IMAGES_ZK_VERSION:-3.9.1}" zookeeper
zk_image=$KA_IMAGE
images_bake "$version" broker
images_imds_start
zks=(zk1 zk2 zk3)
brokers=(b1 b2 b3 b4 b5)
hosts=("${zks[@]}" "${brokers[@]}")
for h in "${zks[@]}"; do KA_IMAGE=$zk_image images_add_host "$h"; done
for h in "${brokers[@]}"; do images_add_host "$h"; done
images_client_host cl
cluster_copy_probe "${zks[@]}"

ensemble=$(for i in 1 2 3; do printf '"%s@%s:2888:3888"\n' "$i" "$(cluster_ip "zk$i")"; done | paste -sd,)
connect=$(for h in "${zks[@]}"; do printf '"%s:2181"\n' "$(cluster_ip "$h")"; done | paste -sd,)
zud=$'# kafka-appliance user-data\nmemory = "1G"\n'"zookeeper-server = [$ensemble]"$'\n'
bud=$'# kafka-appliance user-data\nmemory = "1G"\nnode-id-from = "ip"\nbroker-count = 5\n'"zookeeper = [$connect]"$'\n'
for i in 1 2 3; do
  images_instance "zk$i" "$(jq -nc --arg id "$i" '{"kafka-appliance:role": "zookeeper", "kafka-appliance:node-id": $id}')" "$zud"
done
for h in "${brokers[@]}"; do images_instance "$h" '{"kafka-appliance:role": "broker"}' "$bud"; done

# --- first boot of 3 ZooKeeper members + 5 brokers, all at once ------------------------------------
images_boot_all "${hosts[@]}"
ids=$(for h in "${brokers[@]}"; do images_node_id "$h"; done | jq -sc 'sort')
zkc=$(cluster_ip zk1):2181,$(cluster_ip zk2):2181,$(cluster_ip zk3):2181
# registered_ids: the broker IDs in /brokers/ids (Kafka's zookeeper-shell), as a sorted JSON list.
registered_ids() {
  kafka_tool cl zookeeper-shell "$zkc" ls /brokers/ids 2>/dev/null | grep '^\[' | tail -1 | jq -c 'sort' 2>/dev/null
}
until [ "$(registered_ids)" = "$ids" ]; do
  le 180 "$(elapsed "$t_boot")" && fail "not all brokers $ids registered in ZooKeeper 180 s after the hosts started: $(registered_ids)"
  sleep 0.5
done
t_registered=$(elapsed "$t_boot")
log "ZooKeeper mode from the images: every first-boot unit done ${t_units} s after the hosts started; brokers $ids in /brokers/ids at ${t_registered} s"

cluster_zk_ensemble "$version" "${zks[@]}"
for i in 1 2 3; do
  cluster_exec "zk$i" grep -qx "$i" /var/lib/zookeeper/myid || fail "zk$i: myid is not $i"
  cluster_exec "zk$i" grep -qx "node-id=$i" /var/lib/kafka-appliance/firstboot.done || fail "zk$i: the done-marker does not say node-id=$i"
done
for h in "${brokers[@]}"; do
  id=$(images_node_id "$h")
  cluster_zk_broker "$h" "$id"
  images_firstboot_journal "$h" | grep -q "node ID $id from --node-id-from ip ($(cluster_ip "$h"))" || fail "$h: the journal does not say its node ID came from its address"
  cluster_exec "$h" grep -qx "zookeeper.connect=$zkc" /etc/kafka/server.properties || fail "$h: zookeeper.connect is not the user-data's: $(cluster_exec "$h" grep zookeeper.connect /etc/kafka/server.properties)"
  cluster_exec "$h" grep -qx "broker.rack=${KA_AZS[$((id % 3))]}" /etc/kafka/server.properties || fail "$h: broker.rack is not its availability zone"
  cluster_exec "$h" grep -qx "advertised.listeners=PLAINTEXT://$(cluster_ip "$h"):9092" /etc/kafka/server.properties || fail "$h: not advertised at local-ipv4"
done
log "ZooKeeper leader $zk_leader, members 1-3 by their node-id tags; brokers $ids healthy, IDs from their addresses, racks from the zones"

# --- clients, the whole time -----------------------------------------------------------------------
bs=$(cluster_ip b1):9092,$(cluster_ip b2):9092,$(cluster_ip b4):9092
produce_acked cl "$bs" 5

# --- reboot of a broker ----------------------------------------------------------------------------
id3=$(images_node_id b3)
fault_begin "reboot broker b3"
t0=$(now)
images_reboot b3 kafka.service
cluster_wait_healthy b3 180 >/dev/null || fail "b3 is not healthy 180 s after its reboot"
cluster_zk_broker b3 "$id3"
until [ "$(registered_ids)" = "$ids" ]; do le 180 "$(elapsed "$t0")" && fail "broker $id3 is not registered again: $(registered_ids)"; sleep 0.5; done
back=$(wait_in_sync cl "$bs" acked 240) || fail "broker $id3 did not get back in sync after its reboot"
t_reboot=$(elapsed "$t0")
fault_end
log "b3 rebooted: first-boot unit skipped, no metadata request, marker and meta.properties unchanged, broker $id3 registered and in sync ${t_reboot} s after the power-off (in sync ${back} s after healthy)"

# --- nothing acknowledged is lost ------------------------------------------------------------------
verify_acked cl "$bs"
echo "RESULT images_zookeeper version=$version units_done_s=$t_units registered_s=$t_registered tool_max_s=$tool_max reboot_s=$t_reboot stalls_s=[$stalls] verify=[$KA_VERIFY] scenario_s=$(elapsed "$t_scenario")"

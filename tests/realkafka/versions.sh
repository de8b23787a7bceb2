# shellcheck shell=bash
# What each Kafka version's libs/ is resolved from (sourced by build.sh). The logging runtime is
# the one the release ships: log4j 2 (with its slf4j 1.7 binding and the 1.2 bridge) for 4.x,
# reload4j behind slf4j for 3.x. ZooKeeper (3.x) comes in through kafka_2.13's own dependency.
# kv_deps VERSION -> lines "groupId:artifactId:version"
kv_deps() {
  local v=$1
  echo "org.apache.kafka:kafka_2.13:$v"
  echo "org.apache.kafka:kafka-tools:$v"
  echo "org.apache.kafka:kafka-storage:$v"
  echo "org.apache.kafka:kafka-server:$v"
  case $v in
    4.3.*) kv_log4j2 2.25.4 ;;
    4.[0-2].*) kv_log4j2 2.24.3 ;;
    3.*)
      echo "org.slf4j:slf4j-reload4j:1.7.36"
      echo "ch.qos.reload4j:reload4j:1.2.25"
      ;;
    *) echo "versions.sh: no recipe for Kafka $v" >&2; return 1 ;;
  esac
}
kv_log4j2() {
  echo "org.apache.logging.log4j:log4j-api:$1"
  echo "org.apache.logging.log4j:log4j-core:$1"
  echo "org.apache.logging.log4j:log4j-slf4j-impl:$1"
  echo "org.apache.logging.log4j:log4j-1.2-api:$1"
}
# kv_major VERSION -> 3 or 4
kv_major() { echo "${1%%.*}"; }

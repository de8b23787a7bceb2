#!/bin/bash
# kafka-run-class.sh of the assembled test distribution (tests/realkafka/build.sh), written for the
# kafka-appliance tests from the contract of Apache Kafka's own script (see docs/cluster-tests.md
# for where it differs). Runs CLASS with the jars of libs/ on the class path.
if [ $# -lt 1 ]; then
  echo "USAGE: $0 [-daemon] [-name servicename] [-loggc] classname [opts]"
  exit 1
fi

base_dir=$(dirname "$0")/..

# Every jar of libs/ except sources, javadoc, tests and signatures, after any CLASSPATH given.
shopt -s nullglob
for file in "$base_dir"/libs/*; do
  case $file in
    *-test.jar|*-test-sources.jar|*-src.jar|*-scaladoc.jar|*-javadoc.jar|*.jar.asc) ;;
    *) CLASSPATH="$CLASSPATH:$file" ;;
  esac
done
shopt -u nullglob
CLASSPATH=${CLASSPATH#:}

if [ -z "$KAFKA_JMX_OPTS" ]; then
  KAFKA_JMX_OPTS="-Dcom.sun.management.jmxremote=true -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false"
fi
if [ -n "$JMX_PORT" ]; then
  KAFKA_JMX_OPTS="$KAFKA_JMX_OPTS -Dcom.sun.management.jmxremote.port=$JMX_PORT"
  case $KAFKA_JMX_OPTS in
    *-Dcom.sun.management.jmxremote.rmi.port=*) ;;
    *) KAFKA_JMX_OPTS="$KAFKA_JMX_OPTS -Dcom.sun.management.jmxremote.rmi.port=$JMX_PORT" ;;
  esac
fi

if [ -z "$LOG_DIR" ]; then
  LOG_DIR="$base_dir/logs"
fi

# Tools log to the console with config/@TOOLS_LOG4J@; a caller that brings its own logging
# configuration (the servers do) gets LOG_DIR created for it.
if [ -z "$KAFKA_LOG4J_OPTS" ]; then
  KAFKA_LOG4J_OPTS="@TOOLS_LOG4J_OPT@$base_dir/config/@TOOLS_LOG4J@"
else
  [ -d "$LOG_DIR" ] || mkdir -p "$LOG_DIR"
fi
@LOG4J1_COMPAT@
KAFKA_LOG4J_CMD_OPTS="-Dkafka.logs.dir=$LOG_DIR $KAFKA_LOG4J_OPTS"

if [ -n "$KAFKA_DEBUG" ]; then
  JAVA_DEBUG_PORT=${JAVA_DEBUG_PORT:-5005}
  JAVA_DEBUG_OPTS=${JAVA_DEBUG_OPTS:-"-agentlib:jdwp=transport=dt_socket,server=y,suspend=${DEBUG_SUSPEND_FLAG:-n},address=$JAVA_DEBUG_PORT"}
  echo "Enabling Java debug options: $JAVA_DEBUG_OPTS"
  KAFKA_OPTS="$JAVA_DEBUG_OPTS $KAFKA_OPTS"
fi

if [ -z "$JAVA_HOME" ]; then
  JAVA="java"
else
  JAVA="$JAVA_HOME/bin/java"
fi

if [ -z "$KAFKA_HEAP_OPTS" ]; then
  KAFKA_HEAP_OPTS="-Xmx256M"
fi

if [ -z "$KAFKA_JVM_PERFORMANCE_OPTS" ]; then
  KAFKA_JVM_PERFORMANCE_OPTS="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true"
fi

while [ $# -gt 0 ]; do
  case $1 in
    -name) DAEMON_NAME=$2; CONSOLE_OUTPUT_FILE=$LOG_DIR/$DAEMON_NAME.out; shift 2 ;;
    -loggc) [ -z "$KAFKA_GC_LOG_OPTS" ] && GC_LOG_ENABLED=true; shift ;;
    -daemon) DAEMON_MODE=true; shift ;;
    *) break ;;
  esac
done

if [ "$GC_LOG_ENABLED" = true ]; then
  KAFKA_GC_LOG_OPTS="-Xlog:gc*:file=$LOG_DIR/$DAEMON_NAME-gc.log:time,tags:filecount=10,filesize=100M"
fi

# exec: the JVM's exit status is the script's (143 after SIGTERM).
# shellcheck disable=SC2086  # the *_OPTS are lists of words, as in Kafka's script
if [ "$DAEMON_MODE" = true ]; then
  nohup "$JAVA" $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $KAFKA_GC_LOG_OPTS $KAFKA_JMX_OPTS $KAFKA_LOG4J_CMD_OPTS -cp "$CLASSPATH" $KAFKA_OPTS "$@" > "$CONSOLE_OUTPUT_FILE" 2>&1 < /dev/null &
else
  exec "$JAVA" $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $KAFKA_GC_LOG_OPTS $KAFKA_JMX_OPTS $KAFKA_LOG4J_CMD_OPTS -cp "$CLASSPATH" $KAFKA_OPTS "$@"
fi

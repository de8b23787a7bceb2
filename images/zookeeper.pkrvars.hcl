# A ZooKeeper ensemble member for Kafka 3.9 clusters in ZooKeeper mode (the last line with ZooKeeper).
image_name    = "kafka-zookeeper"
role          = "zookeeper"
kafka_version = "3.9.1"
java_version  = "17"
distribution  = "debian-12"

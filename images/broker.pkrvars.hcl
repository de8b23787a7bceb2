# The broker appliance image (KRaft, Kafka 4.x): packer build -var-file=images/broker.pkrvars.hcl packer
image_name    = "kafka-broker"
role          = "broker"
kafka_version = "4.3.1"
java_version  = "21"
distribution  = "debian-12"

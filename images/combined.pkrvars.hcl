# The combined appliance image (KRaft, Kafka 4.x): packer build -var-file=images/combined.pkrvars.hcl packer
image_name    = "kafka-combined"
role          = "combined"
kafka_version = "4.3.1"
java_version  = "21"
distribution  = "debian-12"

# The controller appliance image (KRaft, Kafka 4.x): packer build -var-file=images/controller.pkrvars.hcl packer
image_name    = "kafka-controller"
role          = "controller"
kafka_version = "4.3.1"
java_version  = "21"
distribution  = "debian-12"

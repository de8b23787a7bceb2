# A KRaft cluster from the appliance images: 3 controllers at fixed addresses (their node IDs and
# the static voter list come from the instance tags) and brokers in an Auto Scaling group, whose
# node IDs are derived from their private addresses at first boot (firstboot --node-id-from ip,
# set in the user-data) and stay with their EBS data volume.
#   terraform init && terraform apply -var cluster_id=$(kafka-appliance cluster-id) -var subnet_id=subnet-...
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

data "aws_subnet" "cluster" {
  id = var.subnet_id
}

data "aws_ami" "controller" {
  most_recent = true
  owners      = ["self"]
  filter {
    name   = "tag:kafka-appliance:role"
    values = ["controller"]
  }
  filter {
    name   = "tag:kafka-appliance:kafka-version"
    values = [var.kafka_version]
  }
}

data "aws_ami" "broker" {
  most_recent = true
  owners      = ["self"]
  filter {
    name   = "tag:kafka-appliance:role"
    values = ["broker"]
  }
  filter {
    name   = "tag:kafka-appliance:kafka-version"
    values = [var.kafka_version]
  }
}

locals {
  # 1@10.0.1.11:9093,2@10.0.1.12:9093,...: the same list on every node
  controllers = join(",", [for i, ip in var.controller_ips : "${i + 1}@${ip}:9093"])
  common_tags = {
    "kafka-appliance:cluster-id"  = var.cluster_id
    "kafka-appliance:controllers" = local.controllers
  }
}

resource "aws_security_group" "kafka" {
  name_prefix = "${var.name}-"
  vpc_id      = data.aws_subnet.cluster.vpc_id
  ingress {
    description = "Kafka clients and replication"
    from_port   = 9092
    to_port     = 9092
    protocol    = "tcp"
    cidr_blocks = var.client_cidrs
  }
  ingress {
    description = "KRaft controllers"
    from_port   = 9093
    to_port     = 9093
    protocol    = "tcp"
    self        = true
  }
  ingress {
    description = "brokers among themselves"
    from_port   = 9092
    to_port     = 9092
    protocol    = "tcp"
    self        = true
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "controller" {
  count                  = length(var.controller_ips)
  ami                    = data.aws_ami.controller.id
  instance_type          = var.controller_instance_type
  subnet_id              = var.subnet_id
  private_ip             = var.controller_ips[count.index]
  vpc_security_group_ids = [aws_security_group.kafka.id]

  # firstboot reads the tags from the instance metadata: only with instance_metadata_tags.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
    instance_metadata_tags      = "enabled"
  }

  root_block_device {
    volume_size = var.volume_size_gb
    volume_type = "gp3"
  }

  tags = merge(local.common_tags, {
    Name                     = "${var.name}-controller-${count.index + 1}"
    "kafka-appliance:role"   = "controller"
    "kafka-appliance:node-id" = tostring(count.index + 1)
  })
}

resource "aws_launch_template" "broker" {
  name_prefix            = "${var.name}-broker-"
  image_id               = data.aws_ami.broker.id
  instance_type          = var.broker_instance_type
  vpc_security_group_ids = [aws_security_group.kafka.id]

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
    instance_metadata_tags      = "enabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = var.volume_size_gb
      volume_type = "gp3"
    }
  }

  # The same TOML as /etc/kafka-appliance/appliance.toml; tags give the rest.
  user_data = base64encode(templatefile("${path.module}/broker-user-data.toml.tftpl", {
    broker_count = var.broker_count
  }))

  tag_specifications {
    resource_type = "instance"
    tags = merge(local.common_tags, {
      Name                   = "${var.name}-broker"
      "kafka-appliance:role" = "broker"
    })
  }
}

resource "aws_autoscaling_group" "broker" {
  name_prefix         = "${var.name}-broker-"
  min_size            = var.broker_count
  max_size            = var.broker_count
  desired_capacity    = var.broker_count
  vpc_zone_identifier = [var.subnet_id]

  launch_template {
    id      = aws_launch_template.broker.id
    version = "$Latest"
  }

  depends_on = [aws_instance.controller]
}

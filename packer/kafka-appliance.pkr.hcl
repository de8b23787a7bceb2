# One appliance image, baked by `kafka-appliance bake`: an AMI (amazon-ebs) or a local qcow2
# (qemu) from the same provisioners. One var-file per image in ../images/:
#   packer init packer
#   packer build -var-file=images/broker.pkrvars.hcl -var binary=build/kafka-appliance packer
# Only the amazon-ebs source:  packer build -only='amazon-ebs.appliance' ...
packer {
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = ">= 1.3.0"
    }
    qemu = {
      source  = "github.com/hashicorp/qemu"
      version = ">= 1.1.0"
    }
  }
}

# --- the image ---------------------------------------------------------------------------------
variable "role" {
  type        = string
  description = "The appliance's role: controller, broker, combined or zookeeper (3.x ensembles)."
  validation {
    condition     = contains(["controller", "broker", "combined", "zookeeper"], var.role)
    error_message = "The role must be controller, broker, combined or zookeeper."
  }
}

variable "kafka_version" {
  type        = string
  description = "The Kafka release baked into the image (3.6 to 4.x; zookeeper images need 3.x)."
  validation {
    condition     = can(regex("^[34]\\.[0-9]+\\.[0-9]+$", var.kafka_version))
    error_message = "The Kafka version is MAJOR.MINOR.PATCH, 3.x or 4.x."
  }
}

variable "java_version" {
  type        = string
  default     = "21"
  description = "The Temurin feature release baked with Kafka."
}

variable "image_name" {
  type        = string
  description = "Name prefix of the image, e.g. kafka-broker."
}

variable "distribution" {
  type        = string
  default     = "debian-12"
  description = "Base image: debian-12, ubuntu-24.04 or al2023."
  validation {
    condition     = contains(["debian-12", "ubuntu-24.04", "al2023"], var.distribution)
    error_message = "The distribution must be debian-12, ubuntu-24.04 or al2023."
  }
}

variable "binary" {
  type        = string
  default     = "build/kafka-appliance"
  description = "The static kafka-appliance binary to upload (path from where packer runs)."
}

variable "bake_args" {
  type        = list(string)
  default     = []
  description = "Extra arguments for kafka-appliance bake (e.g. [\"--mirror\", \"https://mirror.example/kafka\"])."
}

# --- amazon-ebs ----------------------------------------------------------------------------------
variable "region" {
  type    = string
  default = "us-east-1"
}

variable "instance_type" {
  type    = string
  default = "t3.medium"
}

variable "ami_regions" {
  type        = list(string)
  default     = []
  description = "Other regions to copy the AMI to."
}

variable "volume_size_gb" {
  type    = number
  default = 16
}

# --- qemu ---------------------------------------------------------------------------------------
variable "qemu_iso_url" {
  type        = string
  default     = "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2"
  description = "A cloud image of the same distribution (qcow2), booted with a cloud-init seed."
}

variable "qemu_iso_checksum" {
  type        = string
  default     = "file:https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS"
  description = "Its checksum, or file:URL of a checksum list."
}

variable "qemu_accelerator" {
  type        = string
  default     = "kvm"
  description = "kvm on a laptop; tcg (software emulation) where KVM is not usable."
}

variable "ssh_password" {
  type        = string
  default     = "packer"
  sensitive   = true
  description = "Password of the qemu build's temporary user (set by the cloud-init seed, removed by bake)."
}

locals {
  timestamp = formatdate("YYYYMMDDhhmm", timestamp())
  name      = "${var.image_name}-${var.kafka_version}-${var.distribution}-${local.timestamp}"
  # Source AMIs, newest first, from each distribution's own publisher.
  source_ami = {
    "debian-12"    = { name = "debian-12-amd64-*", owner = "136693071363" }
    "ubuntu-24.04" = { name = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*", owner = "099720109477" }
    "al2023"       = { name = "al2023-ami-2023.*-x86_64", owner = "137112412989" }
  }
  ssh_username = {
    "debian-12"    = "admin"
    "ubuntu-24.04" = "ubuntu"
    "al2023"       = "ec2-user"
  }
  tags = {
    "kafka-appliance:image"         = var.image_name
    "kafka-appliance:role"          = var.role
    "kafka-appliance:kafka-version" = var.kafka_version
    "kafka-appliance:java-version"  = var.java_version
    "kafka-appliance:distribution"  = var.distribution
  }
}

source "amazon-ebs" "appliance" {
  region        = var.region
  instance_type = var.instance_type
  ami_name      = local.name
  ami_regions   = var.ami_regions
  ssh_username  = local.ssh_username[var.distribution]

  source_ami_filter {
    filters = {
      name                = local.source_ami[var.distribution].name
      architecture        = "x86_64"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = [local.source_ami[var.distribution].owner]
    most_recent = true
  }

  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = var.volume_size_gb
    volume_type           = "gp3"
    delete_on_termination = true
  }

  # The builder itself: IMDSv2 only, tags in the metadata (as the appliance's instances will be).
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
    instance_metadata_tags      = "enabled"
  }
  # Instances of the AMI default to tokens required and a hop limit of 2.
  imds_support = "v2.0"

  tags          = local.tags
  run_tags      = local.tags
  snapshot_tags = local.tags
}

source "qemu" "appliance" {
  iso_url          = var.qemu_iso_url
  iso_checksum     = var.qemu_iso_checksum
  disk_image       = true
  format           = "qcow2"
  disk_size        = "${var.volume_size_gb}G"
  accelerator      = var.qemu_accelerator
  headless         = true
  vm_name          = "${local.name}.qcow2"
  output_directory = "output-${var.image_name}"
  cpus             = 2
  memory           = 2048
  net_device       = "virtio-net"
  disk_interface   = "virtio"
  # cloud-init seed: a temporary user for the build, removed by bake with everything instance-specific
  cd_label = "cidata"
  cd_content = {
    "meta-data" = "instance-id: packer-${var.image_name}\n"
    "user-data" = "#cloud-config\nssh_pwauth: true\nusers:\n  - name: packer\n    sudo: ALL=(ALL) NOPASSWD:ALL\n    lock_passwd: false\n    plain_text_passwd: ${var.ssh_password}\n"
  }
  ssh_username     = "packer"
  ssh_password     = var.ssh_password
  ssh_timeout      = "20m"
  shutdown_command = "sudo shutdown -P now"
}

build {
  name    = "kafka-appliance"
  sources = ["source.amazon-ebs.appliance", "source.qemu.appliance"]

  provisioner "file" {
    source      = var.binary
    destination = "/tmp/kafka-appliance"
  }

  provisioner "shell" {
    execute_command = "sudo sh -eu -c '{{ .Vars }} {{ .Path }}'"
    inline = [
      "install -m 0755 /tmp/kafka-appliance /usr/local/bin/kafka-appliance",
      "rm -f /tmp/kafka-appliance",
      "/usr/local/bin/kafka-appliance bake --role ${var.role} --kafka-version ${var.kafka_version} --java ${var.java_version} ${join(" ", var.bake_args)}",
    ]
  }

  post-processor "manifest" {
    output     = "packer-manifest-${var.image_name}.json"
    strip_path = true
    custom_data = {
      role          = var.role
      kafka_version = var.kafka_version
      java_version  = var.java_version
      distribution  = var.distribution
    }
  }
}

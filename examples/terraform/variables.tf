variable "name" {
  type        = string
  default     = "kafka"
  description = "Prefix of every resource's name."
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "subnet_id" {
  type        = string
  description = "The subnet every node runs in (one /16 at most: derived broker IDs are unique in it)."
}

variable "cluster_id" {
  type        = string
  description = "The cluster ID, from `kafka-appliance cluster-id` (22 base64url characters)."
  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{22}$", var.cluster_id))
    error_message = "A cluster ID is 22 base64url characters: run kafka-appliance cluster-id."
  }
}

variable "kafka_version" {
  type    = string
  default = "4.3.1"
}

variable "controller_ips" {
  type        = list(string)
  description = "Private addresses of the controllers, in node ID order (1, 2, 3)."
  default     = ["10.0.1.11", "10.0.1.12", "10.0.1.13"]
}

variable "broker_count" {
  type    = number
  default = 3
}

variable "controller_instance_type" {
  type    = string
  default = "m7i.large"
}

variable "broker_instance_type" {
  type    = string
  default = "m7i.xlarge"
}

variable "volume_size_gb" {
  type    = number
  default = 100
}

variable "client_cidrs" {
  type        = list(string)
  description = "Who may reach the brokers on 9092."
  default     = ["10.0.0.0/8"]
}

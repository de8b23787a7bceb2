output "controllers" {
  description = "The static voter list every node was given."
  value       = local.controllers
}

output "bootstrap_servers" {
  description = "Where clients start (the controllers' subnet; brokers come from the Auto Scaling group)."
  value       = "see the ${aws_autoscaling_group.broker.name} instances on port 9092"
}

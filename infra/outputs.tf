output "cloudwatch_dashboard_url" {
  description = "The CloudWatch dashboard (ten widgets)."
  value       = "https://console.aws.amazon.com/cloudwatch/home?region=${local.region}#dashboards/dashboard/${aws_cloudwatch_dashboard.main.dashboard_name}"
}

output "xray_console_url" {
  description = "X-Ray traces of the processor (its X-Ray group)."
  value       = "https://console.aws.amazon.com/cloudwatch/home?region=${local.region}#xray:traces/query?~(query~(filter~'service*28*22${local.function_name}*22*29))"
}

output "kinesis_stream_name" {
  description = "Name of the transaction stream producers write to."
  value       = aws_kinesis_stream.transactions.name
}

output "kinesis_stream_arn" {
  description = "ARN of the transaction stream."
  value       = aws_kinesis_stream.transactions.arn
}

output "ecr_repository_url" {
  description = "Repository to push the processor image to (tags are immutable)."
  value       = aws_ecr_repository.processor.repository_url
}

output "lambda_function_name" {
  description = "Name of the processor function."
  value       = aws_lambda_function.processor.function_name
}

output "lambda_function_arn" {
  description = "ARN of the processor function."
  value       = aws_lambda_function.processor.arn
}

output "lambda_image_uri" {
  description = "Image the processor function runs."
  value       = aws_lambda_function.processor.image_uri
}

output "log_group_name" {
  description = "The processor's log group (the saved Logs Insights queries run on it)."
  value       = aws_cloudwatch_log_group.processor.name
}

output "alerts_topic_arn" {
  description = "ARN of the KMS-encrypted alerts topic (alarms and routing rules publish to it)."
  value       = aws_sns_topic.alerts.arn
}

output "processor_dlq_url" {
  description = "URL of the processor's dead-letter queue (batches that exhausted their retries)."
  value       = aws_sqs_queue.dead_letter["processor"].url
}

output "routing_dlq_url" {
  description = "URL of routing's dead-letter queue (events EventBridge could not deliver)."
  value       = aws_sqs_queue.dead_letter["routing"].url
}

output "event_bus_name" {
  description = "Name of the custom event bus the processor publishes to."
  value       = aws_cloudwatch_event_bus.transactions.name
}

output "event_bus_arn" {
  description = "ARN of the custom event bus."
  value       = aws_cloudwatch_event_bus.transactions.arn
}

output "kms_key_arn" {
  description = "ARN of the customer-managed key encrypting the stack's data."
  value       = aws_kms_key.main.arn
}

output "composite_alarm_names" {
  description = "The composite alarms (Processing Health, System Capacity)."
  value       = [for alarm in aws_cloudwatch_composite_alarm.this : alarm.alarm_name]
}

output "aws_region" {
  description = "Region the stack is in (for the AWS CLI commands of the runbook)."
  value       = local.region
}

# What 'paywatch verify --terraform-output' reads besides the names above (docs/verify.md).
output "environment" {
  description = "The environment suffix every name carries (environment_suffix)."
  value       = local.environment
}

output "kinesis_shard_count" {
  description = "Open shards the stream is meant to have."
  value       = aws_kinesis_stream.transactions.shard_count
}

output "routing_rule_names" {
  description = "The routing rules on the custom bus (config/rules)."
  value       = [for rule in aws_cloudwatch_event_rule.routing : rule.name]
}

output "alarm_names" {
  description = "Every alarm of the stack, metric and composite (config/alarms)."
  value = concat(
    [for alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_name],
    [for alarm in aws_cloudwatch_composite_alarm.this : alarm.alarm_name],
  )
}

output "event_source_mapping" {
  description = "The event source mapping from the stream to the function, and the settings it was given."
  value = {
    uuid                               = aws_lambda_event_source_mapping.transactions.uuid
    batch_size                         = aws_lambda_event_source_mapping.transactions.batch_size
    parallelization_factor             = aws_lambda_event_source_mapping.transactions.parallelization_factor
    maximum_batching_window_in_seconds = aws_lambda_event_source_mapping.transactions.maximum_batching_window_in_seconds
    tumbling_window_in_seconds         = aws_lambda_event_source_mapping.transactions.tumbling_window_in_seconds
  }
}

output "function_vpc_id" {
  description = "VPC the processor runs in (yours, or the one create_vpc made); null in Lambda's own network."
  value       = local.vpc_id

  # Terraform 1.5 validations cannot compare two variables; a failed precondition stops the plan all the same.
  precondition {
    condition     = (length(var.vpc_subnet_ids) == 0) == (length(var.vpc_security_group_ids) == 0)
    error_message = "Set vpc_subnet_ids and vpc_security_group_ids together (your VPC), or neither."
  }
  precondition {
    condition     = !(var.create_vpc && local.use_existing_vpc)
    error_message = "create_vpc makes a VPC of the stack's own: leave vpc_subnet_ids and vpc_security_group_ids empty with it."
  }
}

output "function_subnet_ids" {
  description = "Subnets the processor and its interface endpoints are in; empty in Lambda's own network."
  value       = local.function_subnet_ids
}

output "function_security_group_ids" {
  description = "Security groups of the processor; empty in Lambda's own network."
  value       = values(local.function_security_groups)
}

output "vpc_endpoint_ids" {
  description = "The interface endpoints the processor reaches AWS through, by service (events, xray); empty in Lambda's own network."
  value       = { for service, endpoint in aws_vpc_endpoint.service : service => endpoint.id }
}

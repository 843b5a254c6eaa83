resource "aws_cloudwatch_log_group" "processor" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

# Constraint #3: the processor is a container image (src/Paywatch.Lambda/Dockerfile).
resource "aws_lambda_function" "processor" {
  function_name = local.function_name
  description   = "Paywatch transaction processor: Kinesis to EventBridge, EMF metrics, X-Ray segments"
  package_type  = "Image"
  image_uri     = local.image_uri
  architectures = ["x86_64"]
  role          = aws_iam_role.processor.arn
  memory_size   = var.lambda_memory_mb
  timeout       = var.lambda_timeout_seconds
  # null leaves the function unreserved (the provider's -1): reserving needs an account quota of N + 100.
  reserved_concurrent_executions = var.lambda_reserved_concurrency
  kms_key_arn                    = aws_kms_key.main.arn

  # Constraint #7: Active tracing. Lambda decides sampling for the invocation segment itself (see xray.tf).
  tracing_config {
    mode = "Active"
  }

  # Names and values only, never a secret. The processor reads these (infra/README.md lists them).
  environment {
    variables = {
      PAYWATCH_ENVIRONMENT       = local.environment
      PAYWATCH_EVENT_BUS_NAME    = aws_cloudwatch_event_bus.transactions.name
      PAYWATCH_METRIC_NAMESPACE  = local.metric_namespace
      PAYWATCH_TRACE_MODE        = var.trace_mode
      PAYWATCH_ALERTS_PER_WINDOW = tostring(var.alerts_per_window)
    }
  }

  # In a VPC only (network.tf): your subnets and security groups, or the stack's own; none while the option is off.
  dynamic "vpc_config" {
    for_each = local.network
    content {
      subnet_ids         = local.function_subnet_ids
      security_group_ids = values(local.function_security_groups)
    }
  }

  # The log group exists (with its retention and key) before the function can create it unencrypted.
  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.processor.name
  }

  # The role may read what the function needs (and, in a VPC, create its network interfaces), Lambda may pull the
  # image, and in a VPC the endpoints exist, before the function is created: its first PutEvents has a way out.
  depends_on = [aws_iam_role_policy.processor, aws_ecr_repository_policy.processor, aws_vpc_endpoint.service]
}

# https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
resource "aws_lambda_event_source_mapping" "transactions" {
  event_source_arn  = aws_kinesis_stream.transactions.arn
  function_name     = aws_lambda_function.processor.arn
  starting_position = "LATEST"

  batch_size                         = var.event_source_batch_size
  maximum_batching_window_in_seconds = var.event_source_batching_window_seconds
  parallelization_factor             = var.event_source_parallelization_factor
  tumbling_window_in_seconds         = var.tumbling_window_seconds

  # A failing batch is split in two until the bad record is alone; the processor reports only the records
  # it could not publish (batchItemFailures), and gives up after bounded retries and record age.
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = var.event_source_maximum_retry_attempts
  maximum_record_age_in_seconds  = var.event_source_maximum_record_age_seconds
  function_response_types        = ["ReportBatchItemFailures"]

  # For Kinesis, Lambda sends the batch's metadata (shard, sequence range), not the records, to this queue.
  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.dead_letter["processor"].arn
    }
  }

  lifecycle {
    precondition {
      condition     = var.event_source_maximum_record_age_seconds <= var.kinesis_retention_hours * 3600
      error_message = "event_source_maximum_record_age_seconds must not exceed the stream's retention."
    }
  }
}

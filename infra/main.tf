data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  # Provider 6.x: the data source's Region is `region` (`name` is deprecated).
  region = data.aws_region.current.region

  environment = var.environment_suffix

  # Names follow the spec (transaction-stream-prod, transaction-processor-prod, /aws/lambda/transaction-processor-prod).
  stream_name        = "transaction-stream-${local.environment}"
  function_name      = "transaction-processor-${local.environment}"
  repository_name    = "transaction-processor-${local.environment}"
  log_group_name     = "/aws/lambda/${local.function_name}"
  bus_name           = "paywatch-transactions-${local.environment}"
  topic_name         = "paywatch-alerts-${local.environment}"
  processor_dlq_name = "transaction-processor-dlq-${local.environment}"
  routing_dlq_name   = "paywatch-routing-dlq-${local.environment}"
  dashboard_name     = "paywatch-${local.environment}"
  metric_namespace   = "Paywatch/Transactions"

  # ARNs built from names, so that config/ templates render to known values at plan time (a for_each over
  # their contents needs them) and so the key policy can name resources that depend on the key.
  alerts_topic_arn = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.topic_name}"
  log_group_arn    = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
  bus_arn          = "arn:${local.partition}:events:${local.region}:${local.account_id}:event-bus/${local.bus_name}"
  alarm_arn_prefix = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:"

  image_uri = coalesce(var.image_uri, "${aws_ecr_repository.processor.repository_url}:${var.image_tag}")

  # config/ is the single source of truth, shared with the local twin (docs/architecture.md).
  config_dir = "${path.module}/../config"

  # The values every config/ template may use, as Terraform's templatefile and the twin's ConfigTemplate fill them.
  template_values = {
    environment      = local.environment
    function_name    = local.function_name
    alerts_topic_arn = local.alerts_topic_arn
    region           = local.region
    stream_name      = local.stream_name
    dlq_name         = local.processor_dlq_name
    routing_dlq_name = local.routing_dlq_name
    event_bus_name   = local.bus_name
    log_group        = local.log_group_name
    alarm_arn_prefix = local.alarm_arn_prefix
  }

  rules = {
    for file in fileset("${local.config_dir}/rules", "*.json") :
    trimsuffix(file, ".json") => jsondecode(file("${local.config_dir}/rules/${file}"))
  }

  # Each rule's one target (PutTargets shape), keyed by file name as the rules are: the alerts topic, with the
  # input transformer that writes that rule's message.
  targets = {
    for file in fileset("${local.config_dir}/targets", "*.json") :
    trimsuffix(file, ".json") => jsondecode(templatefile("${local.config_dir}/targets/${file}", local.template_values))
  }

  # Keyed by file name: a composite alarm is a *.composite.json file (PutCompositeAlarm shape), every other
  # *.json a metric alarm (PutMetricAlarm shape).
  metric_alarms = {
    for file in fileset("${local.config_dir}/alarms", "*.json") :
    trimsuffix(file, ".json") => jsondecode(templatefile("${local.config_dir}/alarms/${file}", local.template_values))
    if !endswith(file, ".composite.json")
  }
  composite_alarms = {
    for file in fileset("${local.config_dir}/alarms", "*.composite.json") :
    trimsuffix(file, ".composite.json") => jsondecode(templatefile("${local.config_dir}/alarms/${file}", local.template_values))
  }

  queries = {
    for file in fileset("${local.config_dir}/queries", "*.query") :
    trimsuffix(file, ".query") => file("${local.config_dir}/queries/${file}")
  }

  dashboard_body = templatefile("${local.config_dir}/dashboard/dashboard.json", local.template_values)
}

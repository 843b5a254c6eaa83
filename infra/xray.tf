# Constraint #7: trace everything the processor sends. For Kinesis-triggered invocations there is no upstream
# trace header, so Lambda itself decides whether an invocation is sampled, at its own fixed rate (the first
# request each second and 5% of the rest), whatever the rules say; the processor's custom segments follow that
# decision. This rule makes every other X-Ray SDK decision for the service 100%.
# https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html
resource "aws_xray_sampling_rule" "processor" {
  rule_name      = "paywatch-${local.environment}"
  priority       = 1
  version        = 1
  reservoir_size = 1
  fixed_rate     = 1.0
  service_name   = local.function_name
  service_type   = "*"
  host           = "*"
  http_method    = "*"
  url_path       = "*"
  resource_arn   = "*"
}

resource "aws_xray_group" "processor" {
  group_name        = "paywatch-${local.environment}"
  filter_expression = "service(\"${local.function_name}\")"

  insights_configuration {
    insights_enabled      = true
    notifications_enabled = false
  }
}

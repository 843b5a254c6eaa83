# Constraint #6: content-based routing with the four rules in config/rules (PutRule shape).
resource "aws_cloudwatch_event_bus" "transactions" {
  name               = local.bus_name
  description        = "Paywatch ${local.environment}: processed transactions, routed by content"
  kms_key_identifier = aws_kms_key.main.arn

  # Events the bus cannot encrypt or decrypt with the key go here instead of being lost.
  # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq.html
  dead_letter_config {
    arn = aws_sqs_queue.dead_letter["routing"].arn
  }
}

resource "aws_cloudwatch_event_rule" "routing" {
  for_each = local.rules

  name           = each.value.Name
  description    = try(each.value.Description, null)
  event_bus_name = aws_cloudwatch_event_bus.transactions.name
  # The files hold the pattern as a JSON object; PutRule takes it as a string.
  event_pattern = jsonencode(each.value.EventPattern)
  state         = try(each.value.State, "ENABLED")
}

resource "aws_cloudwatch_event_target" "alerts" {
  for_each = local.rules

  rule           = aws_cloudwatch_event_rule.routing[each.key].name
  event_bus_name = aws_cloudwatch_event_bus.transactions.name
  target_id      = "alerts-topic"
  arn            = aws_sns_topic.alerts.arn

  # One readable line per alert; a field the transaction lacks is left empty.
  # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
  input_transformer {
    input_paths = {
      id       = "$.detail.transaction_id"
      status   = "$.detail.status"
      type     = "$.detail.type"
      amount   = "$.detail.amount"
      currency = "$.detail.currency"
      country  = "$.detail.merchant_country"
      risk     = "$.detail.risk_score"
      count    = "$.detail.transaction_count"
      error    = "$.detail.error_code"
      time     = "$.time"
    }
    # A JSON string written out, not jsonencode(): jsonencode escapes < and > as \u003c and \u003e, and EventBridge
    # would then find no <placeholder> to replace (https://developer.hashicorp.com/terraform/language/functions/jsonencode).
    input_template = "\"Paywatch ${each.value.Name} (${local.environment}): transaction <id> <status> <type> <amount> <currency> from <country>, risk <risk>, window count <count>, error <error>, at <time>.\""
  }

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 10
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letter["routing"].arn
  }

  depends_on = [aws_sns_topic_policy.alerts, aws_sqs_queue_policy.dead_letter]
}

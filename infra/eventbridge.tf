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
  target_id      = local.targets[each.key].Targets[0].Id
  arn            = local.targets[each.key].Targets[0].Arn

  # Each rule's own message, from config/targets (the twin reads the same files). Every placeholder is a field the
  # processor always writes on the events that rule matches, so no message has an empty field.
  # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
  input_transformer {
    input_paths    = local.targets[each.key].Targets[0].InputTransformer.InputPathsMap
    input_template = local.targets[each.key].Targets[0].InputTransformer.InputTemplate
  }

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 10
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letter["routing"].arn
  }

  depends_on = [aws_sns_topic_policy.alerts, aws_sqs_queue_policy.dead_letter]

  lifecycle {
    precondition {
      condition     = try(local.targets[each.key].Rule, "") == each.value.Name && length(try(local.targets[each.key].Targets, [])) == 1
      error_message = "config/targets/${each.key}.json must exist and give rule ${each.value.Name} exactly one target."
    }
  }
}

# Dead-letter queues, both encrypted with the stack's key and kept for the SQS maximum of 14 days:
# `processor`, the event source mapping's on-failure destination (batches that exhausted their retries or
# record age), sent to by the function's role; `routing`, events EventBridge could not deliver to the alerts
# topic or could not encrypt on the bus, sent to by EventBridge for this stack's rules and bus only.
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html#eb-dlq-perms
locals {
  # The queues by role. Only names here: the bus names the routing queue, so the queues cannot depend on it.
  dead_letter_queue_names = {
    processor = local.processor_dlq_name
    routing   = local.routing_dlq_name
  }

  # Who may send to each queue (the policies depend on the rules and the role, not the other way round).
  dead_letter_senders = {
    processor = { type = "AWS", identifier = aws_iam_role.processor.arn, source_arns = [] }
    routing = {
      type        = "Service"
      identifier  = "events.amazonaws.com"
      source_arns = concat([for rule in aws_cloudwatch_event_rule.routing : rule.arn], [local.bus_arn])
    }
  }
}

resource "aws_sqs_queue" "dead_letter" {
  for_each = local.dead_letter_queue_names

  name                              = each.value
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.main.arn
  kms_data_key_reuse_period_seconds = 300
}

resource "aws_sqs_queue_policy" "dead_letter" {
  for_each = local.dead_letter_senders

  queue_url = aws_sqs_queue.dead_letter[each.key].id
  policy    = data.aws_iam_policy_document.dead_letter[each.key].json
}

data "aws_iam_policy_document" "dead_letter" {
  for_each = local.dead_letter_senders

  statement {
    sid       = "OnlyItsSenderSends"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letter[each.key].arn]

    principals {
      type        = each.value.type
      identifiers = [each.value.identifier]
    }

    dynamic "condition" {
      for_each = length(each.value.source_arns) > 0 ? [each.value.source_arns] : []

      content {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = condition.value
      }
    }
  }

  statement {
    sid       = "DenyUnencryptedTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.dead_letter[each.key].arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

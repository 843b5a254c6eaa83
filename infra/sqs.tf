# Dead-letter queues, both encrypted with the stack's key and kept for the SQS maximum of 14 days:
# the processor's (the event source mapping's on-failure destination: batches that exhausted their retries or
# record age) and routing's (events EventBridge could not deliver to the alerts topic, or could not decrypt).
resource "aws_sqs_queue" "processor_dlq" {
  name                              = local.processor_dlq_name
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.main.arn
  kms_data_key_reuse_period_seconds = 300
}

resource "aws_sqs_queue" "routing_dlq" {
  name                              = local.routing_dlq_name
  message_retention_seconds         = 1209600
  kms_master_key_id                 = aws_kms_key.main.arn
  kms_data_key_reuse_period_seconds = 300
}

resource "aws_sqs_queue_policy" "processor_dlq" {
  queue_url = aws_sqs_queue.processor_dlq.id
  policy    = data.aws_iam_policy_document.processor_dlq.json
}

resource "aws_sqs_queue_policy" "routing_dlq" {
  queue_url = aws_sqs_queue.routing_dlq.id
  policy    = data.aws_iam_policy_document.routing_dlq.json
}

data "aws_iam_policy_document" "processor_dlq" {
  statement {
    sid       = "ProcessorRoleSendsFailedBatches"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.processor_dlq.arn]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.processor.arn]
    }
  }

  statement {
    sid       = "DenyUnencryptedTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.processor_dlq.arn]

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

# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html#eb-dlq-perms
data "aws_iam_policy_document" "routing_dlq" {
  statement {
    sid       = "EventBridgeSendsUndeliveredEvents"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.routing_dlq.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = concat([for rule in aws_cloudwatch_event_rule.routing : rule.arn], [local.bus_arn])
    }
  }

  statement {
    sid       = "DenyUnencryptedTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.routing_dlq.arn]

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

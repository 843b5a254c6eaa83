# One customer-managed key for everything this stack stores: the stream, the alerts topic, both queues, the
# event bus, the log group, the image repository and the function's environment.
resource "aws_kms_key" "main" {
  description             = "Paywatch ${local.environment}: stream, topic, queues, bus, logs, images"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "main" {
  name          = "alias/paywatch-${local.environment}"
  target_key_id = aws_kms_key.main.key_id
}

data "aws_iam_policy_document" "key" {
  # The account administers the key through IAM; without this statement the key becomes unmanageable.
  # https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
  statement {
    sid       = "AccountAdministersTheKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # CloudWatch alarms publish to the encrypted topic. Without this statement SNS drops every notification
  # silently: the alarm shows the action as run. aws:SourceAccount and aws:SourceArn are carried by
  # CloudWatch's requests.
  # https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
  statement {
    sid       = "CloudWatchAlarmsPublishToTheEncryptedTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["${local.alarm_arn_prefix}paywatch-*-${local.environment}"]
    }
  }

  # EventBridge encrypts the bus, delivers to the encrypted topic and to the encrypted routing DLQ.
  # No aws:SourceArn / aws:SourceAccount here: EventBridge's KMS requests for delivery to an encrypted SNS
  # target do not carry them, and a condition on them drops every notification silently.
  # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
  # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html
  statement {
    sid       = "EventBridgeUsesTheKeyForTheBusAndItsTargets"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }

  # CloudWatch Logs encrypts the processor's log group, and only that group (the encryption context names it).
  # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
  statement {
    sid       = "CloudWatchLogsEncryptsTheProcessorLogGroup"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = [local.log_group_arn]
    }
  }
}

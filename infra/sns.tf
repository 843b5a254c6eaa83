# Constraint #2: the alerts topic is encrypted with the customer-managed key (kms.tf lets CloudWatch and
# EventBridge use it; without that, publishing fails silently).
resource "aws_sns_topic" "alerts" {
  name              = local.topic_name
  display_name      = "Paywatch ${local.environment}"
  kms_master_key_id = aws_kms_key.main.arn
}

resource "aws_sns_topic_subscription" "email" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alarm_email_endpoint
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts.json
}

data "aws_iam_policy_document" "alerts" {
  statement {
    sid       = "AccountManagesTheTopic"
    actions   = ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

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

  # No condition: "You can't use Condition blocks in Amazon SNS topic policies for EventBridge"
  # (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions). EventBridge
  # sets no aws:SourceArn or aws:SourceAccount on its SNS publish requests, so a statement conditioned on them never
  # allows, and every rule's delivery fails with only FailedInvocations to show for it (now alarmed: Delivery Health).
  # The grant is bounded by the topic it names; what another account's rule could do with it is publish to this topic.
  statement {
    sid       = "EventBridgeRulesPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
  }
}

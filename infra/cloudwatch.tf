# Alarms, the dashboard and the saved queries, all read from config/ (the files the local twin runs).

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.metric_alarms

  alarm_name          = each.value.AlarmName
  alarm_description   = try(each.value.AlarmDescription, null)
  actions_enabled     = try(each.value.ActionsEnabled, true)
  alarm_actions       = try(each.value.AlarmActions, [])
  ok_actions          = try(each.value.OKActions, [])
  evaluation_periods  = each.value.EvaluationPeriods
  datapoints_to_alarm = try(each.value.DatapointsToAlarm, null)
  threshold           = lookup(var.alarm_threshold_overrides, each.key, each.value.Threshold)
  comparison_operator = each.value.ComparisonOperator
  treat_missing_data  = try(each.value.TreatMissingData, "missing")

  # A single-metric alarm (Namespace, MetricName, ...) ...
  namespace                             = try(each.value.Namespace, null)
  metric_name                           = try(each.value.MetricName, null)
  dimensions                            = try({ for d in each.value.Dimensions : d.Name => d.Value }, null)
  statistic                             = try(each.value.Statistic, null)
  extended_statistic                    = try(each.value.ExtendedStatistic, null)
  period                                = try(each.value.Period, null)
  evaluate_low_sample_count_percentiles = try(each.value.EvaluateLowSampleCountPercentile, null)

  # ... or metric math (Metrics: MetricStat queries and expressions).
  dynamic "metric_query" {
    for_each = try(each.value.Metrics, [])

    content {
      id          = metric_query.value.Id
      expression  = try(metric_query.value.Expression, null)
      label       = try(metric_query.value.Label, null)
      return_data = try(metric_query.value.ReturnData, null)
      period      = try(metric_query.value.Period, null)

      dynamic "metric" {
        for_each = can(metric_query.value.MetricStat) ? [metric_query.value.MetricStat] : []

        content {
          namespace   = metric.value.Metric.Namespace
          metric_name = metric.value.Metric.MetricName
          dimensions  = { for d in try(metric.value.Metric.Dimensions, []) : d.Name => d.Value }
          period      = metric.value.Period
          stat        = metric.value.Stat
          unit        = try(metric.value.Unit, null)
        }
      }
    }
  }

  # The actions' topic, and its policy, exist before an alarm can fire into them.
  depends_on = [aws_sns_topic_policy.alerts]
}

# Constraint #1: composite alarms over several metrics (Processing Health, System Capacity).
resource "aws_cloudwatch_composite_alarm" "this" {
  for_each = local.composite_alarms

  alarm_name        = each.value.AlarmName
  alarm_description = try(each.value.AlarmDescription, null)
  alarm_rule        = each.value.AlarmRule
  actions_enabled   = try(each.value.ActionsEnabled, true)
  alarm_actions     = try(each.value.AlarmActions, [])
  ok_actions        = try(each.value.OKActions, [])

  dynamic "actions_suppressor" {
    for_each = can(each.value.ActionsSuppressor) ? [each.value] : []

    content {
      alarm            = actions_suppressor.value.ActionsSuppressor
      wait_period      = actions_suppressor.value.ActionsSuppressorWaitPeriod
      extension_period = actions_suppressor.value.ActionsSuppressorExtensionPeriod
    }
  }

  # PutCompositeAlarm refuses a rule naming an alarm that does not exist yet.
  depends_on = [aws_cloudwatch_metric_alarm.this, aws_sns_topic_policy.alerts]
}

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = local.dashboard_name
  dashboard_body = local.dashboard_body
}

resource "aws_cloudwatch_query_definition" "saved" {
  for_each = local.queries

  name            = "paywatch-${local.environment}/${each.key}"
  log_group_names = [aws_cloudwatch_log_group.processor.name]
  query_string    = each.value
}

# Provider-free: infra/main.tf's loading of config/, the same expressions (render.test.mjs checks they are), so that
# ./test.sh can render config/ through Terraform itself and compare it with what the local twin loads
# (tests/Paywatch.Infra.Tests/TerraformRenderTests.cs). Run with the values of one environment:
#   terraform console -var-file=values.tfvars.json <<< 'jsonencode(local.rendered)'

variable "template_values" {
  description = "What infra/main.tf's local.template_values holds for the environment rendered."
  type        = map(string)
}

locals {
  config_dir      = "${path.module}/../../../config"
  template_values = var.template_values

  rules = {
    for file in fileset("${local.config_dir}/rules", "*.json") :
    trimsuffix(file, ".json") => jsondecode(file("${local.config_dir}/rules/${file}"))
  }

  targets = {
    for file in fileset("${local.config_dir}/targets", "*.json") :
    trimsuffix(file, ".json") => jsondecode(templatefile("${local.config_dir}/targets/${file}", local.template_values))
  }

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

  rendered = {
    rules            = local.rules
    targets          = local.targets
    metric_alarms    = local.metric_alarms
    composite_alarms = local.composite_alarms
    queries          = local.queries
    dashboard_body   = local.dashboard_body
  }
}

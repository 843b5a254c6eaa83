# Private networking (infra/README.md, "Private networking"): off by default. With vpc_subnet_ids and
# vpc_security_group_ids the function runs in your VPC; with create_vpc, in a VPC of the stack's own with private
# subnets only. Either way it reaches AWS only through the interface endpoints below: nothing here routes to the
# internet. Every resource is keyed by for_each on the locals, so none exists while the option is off.

locals {
  # Every AWS service the processor calls at run time, by endpoint service name (= SigV4 signing name): EventBridge's
  # PutEvents, and X-Ray's PutTraceSegments, which Lambda's X-Ray daemon makes for the segments the processor sends it
  # over UDP (infra/README.md, "Private networking", on the daemon's path). tests/Paywatch.Lambda.Tests/EndpointCoverageTests.cs fails when the
  # Lambda host calls a service missing here.
  vpc_endpoint_services = ["events", "xray"]

  use_existing_vpc = length(var.vpc_subnet_ids) > 0
  in_vpc           = var.create_vpc || local.use_existing_vpc

  # The stack's one network, keyed "stack" where it exists: the key of every singleton below.
  network     = local.in_vpc ? toset(["stack"]) : toset([])
  created_vpc = var.create_vpc ? toset(["stack"]) : toset([])

  # create_vpc: the first vpc_availability_zone_count zones of the Region, each with a sixteenth of the VPC's range.
  vpc_zones = var.create_vpc ? slice(sort(data.aws_availability_zones.available["stack"].names), 0, var.vpc_availability_zone_count) : []
  private_subnet_cidrs = {
    for index, zone in local.vpc_zones : zone => cidrsubnet(var.vpc_cidr_block, 4, index)
  }

  vpc_id              = var.create_vpc ? aws_vpc.stack["stack"].id : (local.use_existing_vpc ? data.aws_subnet.existing[var.vpc_subnet_ids[0]].vpc_id : null)
  function_subnet_ids = var.create_vpc ? [for subnet in aws_subnet.private : subnet.id] : var.vpc_subnet_ids
  function_subnet_arns = [
    for id in local.function_subnet_ids : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:subnet/${id}"
  ]

  # The function's security groups, keyed by something known at plan time (for_each keys must be): the stack's own
  # group as "stack", or your groups by id.
  function_security_groups = merge(
    { for key, group in aws_security_group.function : key => group.id },
    { for id in var.vpc_security_group_ids : id => id },
  )
  function_security_group_arns = [
    for id in values(local.function_security_groups) : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:security-group/${id}"
  ]

  vpc_endpoints = local.in_vpc ? toset(local.vpc_endpoint_services) : toset([])
}

# ---- create_vpc: a VPC with private subnets only --------------------------------------------------------------------

data "aws_availability_zones" "available" {
  for_each = local.created_vpc
  state    = "available"

  # Zones every account has: opt-in Local Zones and Wavelength Zones carry no interface endpoints.
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }

  lifecycle {
    postcondition {
      condition     = length(self.names) >= var.vpc_availability_zone_count
      error_message = "The Region has fewer available Availability Zones than vpc_availability_zone_count."
    }
  }
}

resource "aws_vpc" "stack" {
  for_each   = local.created_vpc
  cidr_block = var.vpc_cidr_block
  # Private DNS of interface endpoints needs both: the service's public name then resolves to the endpoint.
  # https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = "paywatch-${local.environment}"
  }
}

# No internet gateway, no NAT gateway, no route: the subnets use the VPC's main route table, which has only the
# local route, so nothing in them can reach the internet.
resource "aws_subnet" "private" {
  for_each                = local.private_subnet_cidrs
  vpc_id                  = aws_vpc.stack["stack"].id
  availability_zone       = each.key
  cidr_block              = each.value
  map_public_ip_on_launch = false

  tags = {
    Name = "paywatch-${local.environment}-private-${each.key}"
  }
}

# The VPC's default security group allows all traffic among its members and all egress: taken over and emptied,
# so nothing that lands in it by default can talk to anything.
resource "aws_default_security_group" "stack" {
  for_each = local.created_vpc
  vpc_id   = aws_vpc.stack["stack"].id
}

# The function's own group in the created VPC: HTTPS out to the endpoints, nothing else, nothing in.
resource "aws_security_group" "function" {
  for_each    = local.created_vpc
  name        = "${local.function_name}-function"
  description = "Paywatch processor (${local.environment}): HTTPS to the stack's interface endpoints only"
  vpc_id      = aws_vpc.stack["stack"].id
}

resource "aws_vpc_security_group_egress_rule" "function_to_endpoints" {
  for_each                     = local.created_vpc
  security_group_id            = aws_security_group.function["stack"].id
  description                  = "HTTPS to the interface endpoints"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.vpc_endpoints["stack"].id
}

# ---- your VPC: read, so a wrong subnet fails the plan, not the deploy ------------------------------------------------

data "aws_subnet" "existing" {
  for_each = toset(var.vpc_subnet_ids)
  id       = each.key
}

data "aws_vpc" "existing" {
  for_each = local.use_existing_vpc ? toset(["stack"]) : toset([])
  id       = local.vpc_id

  lifecycle {
    precondition {
      condition     = length(distinct([for subnet in data.aws_subnet.existing : subnet.vpc_id])) == 1
      error_message = "vpc_subnet_ids must all be in one VPC."
    }
    precondition {
      condition     = length(distinct([for subnet in data.aws_subnet.existing : subnet.availability_zone])) == length(var.vpc_subnet_ids)
      error_message = "vpc_subnet_ids must each be in a different Availability Zone: an interface endpoint takes one subnet per zone."
    }
    postcondition {
      condition     = self.enable_dns_support && self.enable_dns_hostnames
      error_message = "The VPC of vpc_subnet_ids needs DNS support and DNS hostnames on, or the endpoints' private DNS names do not resolve."
    }
  }
}

# ---- in a VPC: the interface endpoints ------------------------------------------------------------------------------

# The endpoint service's name in this Region (com.amazonaws.REGION.SERVICE, or the partition's form); the plan
# fails here if the Region does not offer it.
data "aws_vpc_endpoint_service" "this" {
  for_each     = local.vpc_endpoints
  service      = each.key
  service_type = "Interface"
}

resource "aws_security_group" "vpc_endpoints" {
  for_each    = local.network
  name        = "paywatch-endpoints-${local.environment}"
  description = "Paywatch (${local.environment}) interface endpoints: HTTPS from the processor only"
  vpc_id      = local.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_function" {
  for_each                     = local.in_vpc ? local.function_security_groups : {}
  security_group_id            = aws_security_group.vpc_endpoints["stack"].id
  description                  = "HTTPS from the processor's security group ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = each.value
}

resource "aws_vpc_endpoint" "service" {
  for_each            = local.vpc_endpoints
  vpc_id              = local.vpc_id
  service_name        = data.aws_vpc_endpoint_service.this[each.key].service_name
  vpc_endpoint_type   = "Interface"
  subnet_ids          = local.function_subnet_ids
  security_group_ids  = [aws_security_group.vpc_endpoints["stack"].id]
  private_dns_enabled = true
  policy              = local.vpc_endpoint_policies[each.key]

  # Ready to admit the function when the function is created (lambda.tf waits for the endpoints).
  depends_on = [aws_vpc_security_group_ingress_rule.endpoints_from_function]

  tags = {
    Name = "paywatch-${local.environment}-${each.key}"
  }
}

locals {
  # By service; empty while the option is off (a local is evaluated even when nothing uses it).
  vpc_endpoint_policies = merge(
    { for service, document in data.aws_iam_policy_document.events_endpoint : service => document.json },
    { for service, document in data.aws_iam_policy_document.xray_endpoint : service => document.json },
  )
}

# Endpoint policies: only this stack's execution role, only the calls the processor makes. With private DNS on, these
# endpoints answer for EventBridge and X-Ray for the whole VPC (infra/README.md says what that means for your VPC).
# https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
data "aws_iam_policy_document" "events_endpoint" {
  for_each = setintersection(local.vpc_endpoints, toset(["events"]))

  statement {
    sid       = "PublishToThisStacksBus"
    actions   = ["events:PutEvents"]
    resources = [aws_cloudwatch_event_bus.transactions.arn]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.processor.arn]
    }
  }
}

# X-Ray's trace APIs have no resource type: "*" is the only resource they accept (as in iam.tf).
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html
data "aws_iam_policy_document" "xray_endpoint" {
  for_each = setintersection(local.vpc_endpoints, toset(["xray"]))

  statement {
    sid       = "SendTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.processor.arn]
    }
  }
}

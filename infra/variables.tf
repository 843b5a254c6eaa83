variable "environment_suffix" {
  description = "Deployment name appended to every resource name (e.g. prod, staging); also the Environment metric dimension."
  type        = string

  validation {
    # Keeps every derived name inside AWS's limits (X-Ray rule names are at most 32 characters).
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,14}$", var.environment_suffix))
    error_message = "environment_suffix must be 1-15 characters: lower-case letters, digits and hyphens, starting with a letter or digit."
  }
}

variable "aws_region" {
  description = "AWS Region to deploy into (e.g. eu-west-1)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a Region code such as eu-west-1."
  }
}

variable "alarm_email_endpoint" {
  description = "Email address subscribed to the alerts topic; AWS sends a confirmation mail that must be accepted."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email_endpoint))
    error_message = "alarm_email_endpoint must be an email address."
  }
}

variable "kinesis_shard_count" {
  description = "Shards of the transaction stream (provisioned mode); each takes 1 MB/s or 1,000 records/s in."
  type        = number
  default     = 5

  validation {
    condition     = var.kinesis_shard_count >= 1 && var.kinesis_shard_count <= 500 && floor(var.kinesis_shard_count) == var.kinesis_shard_count
    error_message = "kinesis_shard_count must be a whole number from 1 to 500."
  }
}

variable "kinesis_retention_hours" {
  description = "How long the stream keeps records, in hours (24 to 8760); the event source mapping's record age bound must fit inside it."
  type        = number
  default     = 24

  validation {
    condition     = var.kinesis_retention_hours >= 24 && var.kinesis_retention_hours <= 8760
    error_message = "kinesis_retention_hours must be from 24 to 8760."
  }
}

variable "log_retention_days" {
  description = "Retention of the processor's log group, in days (one of the values CloudWatch Logs accepts)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "image_tag" {
  description = "Tag of the processor image in the ECR repository, required: the tag the image was pushed under (tags are immutable, so a new one per build, e.g. the git commit). The runbook keeps it in image.auto.tfvars, so every plain `terraform apply` runs the image last pushed. No default: a tag nobody pushed would stop the apply. Ignored when image_uri is set."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a valid Docker tag (up to 128 letters, digits, _, . and -)."
  }
}

variable "image_uri" {
  description = "Full ECR image URI (repository:tag or repository@sha256:digest) to run instead of this stack's repository and image_tag; null uses them."
  type        = string
  default     = null

  validation {
    condition     = var.image_uri == null || can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+(:[A-Za-z0-9_.-]+|@sha256:[0-9a-f]{64})$", var.image_uri))
    error_message = "image_uri must be an Amazon ECR image URI with a tag or a sha256 digest."
  }
}

variable "lambda_memory_mb" {
  description = "Memory of the processor function in MB (CPU scales with it)."
  type        = number
  default     = 512

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be from 128 to 10240."
  }
}

variable "lambda_timeout_seconds" {
  description = "Timeout of one processor invocation (one batch), in seconds."
  type        = number
  default     = 60

  validation {
    condition     = var.lambda_timeout_seconds >= 1 && var.lambda_timeout_seconds <= 900
    error_message = "lambda_timeout_seconds must be from 1 to 900."
  }
}

variable "trace_mode" {
  description = "How the processor's spans form X-Ray traces (docs/tracing.md): 'invocation' (one trace per batch, every transaction a subsegment; the default), 'transaction' (one trace per transaction: X-Ray bills each, about $5 per million transactions), or 'off'."
  type        = string
  default     = "invocation"

  validation {
    condition     = contains(["invocation", "transaction", "off"], var.trace_mode)
    error_message = "trace_mode must be 'invocation', 'transaction' or 'off'."
  }
}

variable "alerts_per_window" {
  description = "How many incidents of each kind (high-value, fraud, velocity, failed) one shard lane's tumbling window notifies one by one; the rest are counted in the window's summary (docs/alerting.md). SNS email delivers at most 10 messages a second per subscription."
  type        = number
  default     = 10

  validation {
    condition     = var.alerts_per_window >= 0 && var.alerts_per_window <= 10000 && floor(var.alerts_per_window) == var.alerts_per_window
    error_message = "alerts_per_window must be a whole number from 0 to 10000."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency of the processor; null (the default) leaves it unreserved. Reserving takes from the account's pool, and Lambda keeps 100 unreserved, so reserving N needs an account concurrency quota of at least N + 100 (new accounts may have 10 or 50: see infra/README.md). When set, keep it at least kinesis_shard_count x event_source_parallelization_factor, or the Throttles alarm fires."
  type        = number
  default     = null

  validation {
    # coalesce: Terraform's || does not short-circuit, and a comparison with null is an error.
    condition     = var.lambda_reserved_concurrency == null || (coalesce(var.lambda_reserved_concurrency, 1) >= 1 && coalesce(var.lambda_reserved_concurrency, 1) <= 1000 && floor(coalesce(var.lambda_reserved_concurrency, 1)) == coalesce(var.lambda_reserved_concurrency, 1))
    error_message = "lambda_reserved_concurrency must be null (unreserved) or a whole number from 1 to 1000."
  }
}

variable "event_source_batch_size" {
  description = "Most records per invocation the event source mapping reads from a shard."
  type        = number
  default     = 100

  validation {
    condition     = var.event_source_batch_size >= 1 && var.event_source_batch_size <= 10000
    error_message = "event_source_batch_size must be from 1 to 10000."
  }
}

variable "event_source_batching_window_seconds" {
  description = "Longest time the event source mapping gathers records before invoking, in seconds."
  type        = number
  default     = 1

  validation {
    condition     = var.event_source_batching_window_seconds >= 0 && var.event_source_batching_window_seconds <= 300
    error_message = "event_source_batching_window_seconds must be from 0 to 300."
  }
}

variable "event_source_parallelization_factor" {
  description = "Concurrent batches per shard (records with the same partition key stay in order)."
  type        = number
  default     = 2

  validation {
    condition     = var.event_source_parallelization_factor >= 1 && var.event_source_parallelization_factor <= 10
    error_message = "event_source_parallelization_factor must be from 1 to 10."
  }
}

variable "event_source_maximum_retry_attempts" {
  description = "Retries of a failing batch before it goes to the dead-letter queue (bounded: -1, infinite, is not allowed)."
  type        = number
  default     = 3

  validation {
    condition     = var.event_source_maximum_retry_attempts >= 0 && var.event_source_maximum_retry_attempts <= 10000
    error_message = "event_source_maximum_retry_attempts must be from 0 to 10000."
  }
}

variable "event_source_maximum_record_age_seconds" {
  description = "Oldest record the event source mapping still sends to the function, in seconds; older ones go to the dead-letter queue (bounded: -1 is not allowed)."
  type        = number
  default     = 3600

  validation {
    condition     = var.event_source_maximum_record_age_seconds >= 60 && var.event_source_maximum_record_age_seconds <= 604800
    error_message = "event_source_maximum_record_age_seconds must be from 60 to 604800."
  }
}

variable "tumbling_window_seconds" {
  description = "Tumbling window for the processor's velocity counts, in seconds (0 turns windows off)."
  type        = number
  default     = 300

  validation {
    condition     = var.tumbling_window_seconds >= 0 && var.tumbling_window_seconds <= 900
    error_message = "tumbling_window_seconds must be from 0 to 900."
  }
}

variable "alarm_threshold_overrides" {
  description = "Thresholds replacing those in config/alarms, by file name without .json (error-rate, latency, throttles, iterator-age)."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for name, threshold in var.alarm_threshold_overrides : contains(["error-rate", "latency", "throttles", "iterator-age"], name) && threshold >= 0])
    error_message = "alarm_threshold_overrides keys must be error-rate, latency, throttles or iterator-age, and thresholds must not be negative."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the customer-managed key is deleted after a destroy, in days."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be from 7 to 30."
  }
}

# Private networking (infra/README.md, "Private networking"): the function in your VPC (vpc_subnet_ids with
# vpc_security_group_ids), or in a VPC of the stack's own (create_vpc), reaching AWS only through interface endpoints.
# All unset, the function runs in Lambda's own network, as before.

variable "vpc_subnet_ids" {
  description = "Private subnets of your VPC to run the processor in: two or more, each in its own Availability Zone (an interface endpoint takes one subnet per zone), in one VPC with DNS support and DNS hostnames on. Set together with vpc_security_group_ids, or leave both empty; not with create_vpc."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.vpc_subnet_ids) == 0 || (length(var.vpc_subnet_ids) >= 2 && length(var.vpc_subnet_ids) <= 16 && length(distinct(var.vpc_subnet_ids)) == length(var.vpc_subnet_ids) && alltrue([for id in var.vpc_subnet_ids : can(regex("^subnet-[0-9a-f]{8}([0-9a-f]{9})?$", id))]))
    error_message = "vpc_subnet_ids must be empty or 2 to 16 distinct subnet ids (subnet-0123456789abcdef0), each in its own Availability Zone."
  }
}

variable "vpc_security_group_ids" {
  description = "Security groups of your VPC for the processor (1 to 5, Lambda's limit): each must allow outbound HTTPS (443) to the stack's endpoint security group or the VPC's CIDR; the endpoints admit HTTPS from each of them. Set together with vpc_subnet_ids, or leave both empty."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.vpc_security_group_ids) <= 5 && length(distinct(var.vpc_security_group_ids)) == length(var.vpc_security_group_ids) && alltrue([for id in var.vpc_security_group_ids : can(regex("^sg-[0-9a-f]{8}([0-9a-f]{9})?$", id))])
    error_message = "vpc_security_group_ids must be at most 5 distinct security group ids (sg-0123456789abcdef0)."
  }
}

variable "create_vpc" {
  description = "Create a VPC for the processor: private subnets in vpc_availability_zone_count Availability Zones, no internet gateway, no NAT, no route out of the VPC; AWS is reached only through the stack's interface endpoints. Not with vpc_subnet_ids."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = contains([true, false], var.create_vpc)
    error_message = "create_vpc must be true or false."
  }
}

variable "vpc_cidr_block" {
  description = "IPv4 range of the VPC create_vpc makes, /16 to /24; each private subnet gets a sixteenth of it. Pick one that does not overlap networks you may peer with."
  type        = string
  default     = "10.42.0.0/16"
  nullable    = false

  validation {
    condition     = can(cidrhost(var.vpc_cidr_block, 0)) && tonumber(try(split("/", var.vpc_cidr_block)[1], "0")) >= 16 && tonumber(try(split("/", var.vpc_cidr_block)[1], "0")) <= 24 && try(cidrhost(var.vpc_cidr_block, 0) == split("/", var.vpc_cidr_block)[0], false)
    error_message = "vpc_cidr_block must be an IPv4 network address with a prefix from /16 to /24, such as 10.42.0.0/16."
  }
}

variable "vpc_availability_zone_count" {
  description = "Availability Zones (one private subnet and one endpoint interface each) of the VPC create_vpc makes: two or more, so the function keeps running when one zone fails. Each zone adds an hourly charge per endpoint (docs/cost.md)."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.vpc_availability_zone_count >= 2 && var.vpc_availability_zone_count <= 6 && floor(var.vpc_availability_zone_count) == var.vpc_availability_zone_count
    error_message = "vpc_availability_zone_count must be a whole number from 2 to 6."
  }
}

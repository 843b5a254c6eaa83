resource "aws_iam_role" "processor" {
  name               = "${local.function_name}-role"
  description        = "Execution role of the Paywatch transaction processor (${local.environment})"
  assume_role_policy = data.aws_iam_policy_document.processor_assume_role.json
}

data "aws_iam_policy_document" "processor_assume_role" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role_policy" "processor" {
  name   = "processor"
  role   = aws_iam_role.processor.id
  policy = data.aws_iam_policy_document.processor.json
}

# Least privilege: every statement names its resource; "*" only where the action has no resource type.
data "aws_iam_policy_document" "processor" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.processor.arn}:*"]
  }

  # The event source mapping reads with the function's role.
  # https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#events-kinesis-permissions
  statement {
    sid = "ReadTheTransactionStream"
    actions = [
      "kinesis:DescribeStream",
      "kinesis:DescribeStreamSummary",
      "kinesis:GetRecords",
      "kinesis:GetShardIterator",
      "kinesis:ListShards",
    ]
    resources = [aws_kinesis_stream.transactions.arn]
  }

  # On-failure destination of the event source mapping.
  statement {
    sid       = "SendFailedBatchesToTheDeadLetterQueue"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letter["processor"].arn]
  }

  statement {
    sid       = "PublishTransactionEvents"
    actions   = ["events:PutEvents"]
    resources = [aws_cloudwatch_event_bus.transactions.arn]
  }

  # Decrypt the stream's records and encrypt messages for the dead-letter queue, only through those services.
  statement {
    sid       = "UseTheKeyThroughKinesisAndSqs"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.main.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["kinesis.${local.region}.amazonaws.com", "sqs.${local.region}.amazonaws.com"]
    }
  }

  # The environment is encrypted with the stack's key; Lambda decrypts it with the execution role.
  # https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html
  statement {
    sid       = "DecryptOwnEnvironment"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.main.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:LambdaFunctionName"
      values   = [local.function_name]
    }
  }

  # X-Ray's trace APIs have no resource type: "*" is the only resource they accept.
  # https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html
  statement {
    sid       = "SendTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  # In a VPC (network.tf), Lambda creates and manages the function's network interfaces with this role: the actions of
  # AWSLambdaVPCAccessExecutionRole (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions,
  # https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html), each scoped
  # as far as EC2 allows (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
  # The Describe actions have no resource type: "*" is the only resource they accept.
  dynamic "statement" {
    for_each = local.network
    content {
      sid       = "DescribeNetworkInterfacesAndSubnets"
      actions   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
      resources = ["*"]
    }
  }

  # CreateNetworkInterface authorizes the new interface, the subnet and the security groups: only the function's.
  dynamic "statement" {
    for_each = local.network
    content {
      sid     = "CreateNetworkInterfacesInTheFunctionSubnets"
      actions = ["ec2:CreateNetworkInterface"]
      resources = concat(
        ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"],
        local.function_subnet_arns,
        local.function_security_group_arns,
      )
    }
  }

  # Interfaces Lambda manages are in the function's subnets: ec2:Subnet holds the others out.
  dynamic "statement" {
    for_each = local.network
    content {
      sid       = "ManageNetworkInterfacesInTheFunctionSubnets"
      actions   = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
      resources = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"]

      condition {
        test     = "ArnEquals"
        variable = "ec2:Subnet"
        values   = local.function_subnet_arns
      }
    }
  }
}

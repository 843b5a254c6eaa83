# The processor's image. Created first on a new stack (see README: "Deploy"), since the function needs an
# image in it.
resource "aws_ecr_repository" "processor" {
  name                 = local.repository_name
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.main.arn
  }
}

resource "aws_ecr_lifecycle_policy" "processor" {
  repository = aws_ecr_repository.processor.name
  policy = jsonencode({
    rules = [
      # Safe only because every image is pushed as one manifest (--provenance=false --sbom=false, README): the untagged
      # children of an OCI image index would match this rule and be expired under their tagged index.
      {
        rulePriority = 1
        description  = "Untagged layers left by rebuilt images go after a day."
        selection    = { tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = 1 }
        action       = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the 20 most recent tagged images (rollback candidates)."
        selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 20 }
        action       = { type = "expire" }
      },
    ]
  })
}

# Lambda pulls the image with the service principal, for this account's functions only.
# https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#configuration-images-permissions
resource "aws_ecr_repository_policy" "processor" {
  repository = aws_ecr_repository.processor.name
  policy     = data.aws_iam_policy_document.repository.json
}

data "aws_iam_policy_document" "repository" {
  statement {
    sid = "LambdaPullsTheProcessorImage"
    # A repository policy applies to its repository: ECR statements name no Resource.
    actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:*"]
    }
  }
}

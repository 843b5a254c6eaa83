terraform {
  # `check` blocks, `import` blocks and the `templatefile`/`fileset` behaviour used here need 1.5.
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # The schema the tests check every argument against is @cdktf/provider-aws 21.22.1, generated from
      # hashicorp/aws 6.25.0 (infra/tests/package.json). Patch releases only, so the checked schema holds.
      version = "~> 6.25.0"
    }
  }
}

provider "aws" {
  region = var.aws_region

  # Every taggable resource gets these; none repeats them.
  # https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs#default_tags-configuration-block
  default_tags {
    tags = {
      Project     = "paywatch"
      Environment = var.environment_suffix
      ManagedBy   = "terraform"
    }
  }
}

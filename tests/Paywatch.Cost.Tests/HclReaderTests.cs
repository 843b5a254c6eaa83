using Paywatch.Cost.Deployment;

namespace Paywatch.Cost.Tests;

/// <summary>The HCL subset reader on its own (tests/Paywatch.Infra.Tests checks it against HashiCorp's parser on infra/).</summary>
public sealed class HclReaderTests
{
    private const string Sample = """
        # a comment
        variable "shards" {
          description = "Shards, with \"quotes\" and ${var.x}"
          type        = number
          default     = 5 // trailing comment

          validation {
            condition     = var.shards >= 1 && floor(var.shards) == var.shards
            error_message = "must be whole."
          }
        }

        /* a block
           comment */
        variable "overrides" {
          default = { latency = 2000, "error-rate" = 1.5 }
        }

        resource "aws_lambda_function" "processor" {
          architectures = ["arm64"]
          memory_size   = var.lambda_memory_mb
          depends_on    = [aws_iam_role_policy.processor, aws_sqs_queue.dead_letter["processor"].arn]
          enabled       = true
          nothing       = null
          environment {
            variables = {
              MODE  = "x"
              COUNT = tostring(var.alerts_per_window)
            }
          }
        }
        """;

    [Fact]
    public void Literals_lists_maps_and_blocks_are_read_and_other_expressions_kept_as_text()
    {
        var body = HclReader.Read(Sample);

        var shards = body.Block("variable", "shards")!.Body;
        Assert.Equal(5.0, shards.Attributes["default"]);
        Assert.Equal("Shards, with \"quotes\" and ${var.x}", shards.Attributes["description"]);
        Assert.Equal(new HclExpression("number"), shards.Attributes["type"]);
        Assert.Equal(new HclExpression("var.shards >= 1 && floor(var.shards) == var.shards"), shards.Block("validation")!.Body.Attributes["condition"]);

        var overrides = Assert.IsType<Dictionary<string, object?>>(body.Block("variable", "overrides")!.Body.Attributes["default"]);
        Assert.Equal(2000.0, overrides["latency"]);
        Assert.Equal(1.5, overrides["error-rate"]);

        var function = body.Block("resource", "aws_lambda_function", "processor")!.Body;
        Assert.Equal(["arm64"], Assert.IsType<List<object?>>(function.Attributes["architectures"]));
        Assert.Equal(new HclExpression("var.lambda_memory_mb"), function.Attributes["memory_size"]);
        Assert.Equal(
            [new HclExpression("aws_iam_role_policy.processor"), new HclExpression("aws_sqs_queue.dead_letter[\"processor\"].arn")],
            Assert.IsType<List<object?>>(function.Attributes["depends_on"]));
        Assert.Equal(true, function.Attributes["enabled"]);
        Assert.Null(function.Attributes["nothing"]);
        var variables = Assert.IsType<Dictionary<string, object?>>(function.Block("environment")!.Body.Attributes["variables"]);
        Assert.Equal(new HclExpression("tostring(var.alerts_per_window)"), variables["COUNT"]);
    }

    [Fact]
    public void A_tfvars_file_overrides_the_defaults()
    {
        var values = DeploymentSettings.TerraformValues(Sample, "shards = 8\nnew_one = \"x\"\n");

        Assert.Equal(8.0, values["shards"]);
        Assert.Equal("x", values["new_one"]);
    }

    [Fact]
    public void Text_outside_the_subset_is_refused_with_its_line() =>
        Assert.Contains("line 2", Assert.Throws<FormatException>(() => HclReader.Read("a = 1\nb = \"open\n")).Message, StringComparison.Ordinal);

    [Fact]
    public void The_built_in_infra_gives_the_repository_defaults()
    {
        var deployment = DeploymentSettings.BuiltIn();

        Assert.Equal(
            (5, 512, "x86_64", 100, 2, 1.0, 300.0, 30, Paywatch.Core.Telemetry.TraceMode.Invocation, 10, (int?)null),
            (deployment.Shards, deployment.LambdaMemoryMb, deployment.Architecture, deployment.BatchSize, deployment.ParallelizationFactor,
             deployment.BatchingWindow.TotalSeconds, deployment.TumblingWindow.TotalSeconds, deployment.LogRetentionDays, deployment.TraceMode,
             deployment.AlertsPerWindow, deployment.ReservedConcurrency));
    }

    [Fact]
    public void A_tfvars_file_changes_the_deployment()
    {
        var deployment = DeploymentSettings.BuiltIn("aws_region = \"us-east-1\"\nkinesis_shard_count = 12\ntrace_mode = \"off\"\n");

        Assert.Equal(("us-east-1", 12, Paywatch.Core.Telemetry.TraceMode.Off), (deployment.Region, deployment.Shards, deployment.TraceMode));
    }
}

using System.Text.Json;
using Paywatch.Cost.Deployment;

namespace Paywatch.Infra.Tests;

/// <summary>
/// <c>paywatch cost</c> reads infra/ with its own HCL subset reader (no .NET HCL library exists); HashiCorp's parser
/// (@cdktf/hcl2json, as the infra tests use it) must read the same values from the same files.
/// </summary>
public sealed class HclReaderTests
{
    private static readonly Lazy<Task<JsonElement>> Terraform = new(async () =>
        JsonDocument.Parse(await Repository.RunNodeAsync("hcl-values.mjs")).RootElement);

    [Fact]
    public async Task Every_variable_default_is_read_as_HashiCorp_s_parser_reads_it()
    {
        var terraform = (await Terraform.Value).GetProperty("variables");
        var ours = DeploymentSettings.TerraformValues(File.ReadAllText(Path.Combine(Repository.Infra, "variables.tf")), tfvars: null);

        Assert.Equal(terraform.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        foreach (var variable in terraform.EnumerateObject())
        {
            Assert.True(JsonElement.DeepEquals(variable.Value, ToJson(ours[variable.Name])), variable.Name);
        }
    }

    [Fact]
    public async Task The_tfvars_example_is_read_as_HashiCorp_s_parser_reads_it()
    {
        var terraform = (await Terraform.Value).GetProperty("tfvars");
        var ours = HclReader.Read(File.ReadAllText(Path.Combine(Repository.Infra, "terraform.tfvars.example"))).Attributes;

        Assert.Equal(terraform.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        foreach (var assignment in terraform.EnumerateObject())
        {
            Assert.True(JsonElement.DeepEquals(assignment.Value, ToJson(ours[assignment.Name])), assignment.Name);
        }
    }

    [Fact]
    public void The_function_s_architecture_is_read_from_lambda_tf()
    {
        var function = HclReader.Read(File.ReadAllText(Path.Combine(Repository.Infra, "lambda.tf"))).Block("resource", "aws_lambda_function", "processor");

        Assert.Equal(["x86_64"], Assert.IsType<List<object?>>(function!.Body.Attributes["architectures"]));
    }

    private static JsonElement ToJson(object? value)
    {
        var json = value switch
        {
            HclExpression expression => JsonSerializer.Serialize("${" + expression.Text + "}"),
            List<object?> list => "[" + string.Join(',', list.Select(v => ToJson(v).GetRawText())) + "]",
            Dictionary<string, object?> map => "{" + string.Join(',', map.Select(p => JsonSerializer.Serialize(p.Key) + ":" + ToJson(p.Value).GetRawText())) + "}",
            double number => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            bool flag => flag ? "true" : "false",
            string text => JsonSerializer.Serialize(text),
            null => "null",
            _ => throw new ArgumentException($"not an HCL value: {value}"),
        };
        return JsonDocument.Parse(json).RootElement.Clone();
    }
}

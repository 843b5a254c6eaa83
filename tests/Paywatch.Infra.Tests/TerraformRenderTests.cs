using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Paywatch.Local;
using Paywatch.Monitoring;

namespace Paywatch.Infra.Tests;

/// <summary>
/// config/ rendered by Terraform itself (a terraform binary on PATH, no providers: infra/tests/render evaluates the
/// fileset/templatefile/jsondecode expressions of infra/main.tf, and render.test.mjs checks they are the same) against
/// what the local twin loads with <see cref="ConfigDirectory"/> and <see cref="ConfigTemplate"/>. test.sh runs this
/// class only where terraform is installed, and says so in one line where it is not.
/// </summary>
[Trait("Category", "Terraform")]
public sealed class TerraformRenderTests
{
    private static readonly IReadOnlyDictionary<string, string> Values = new LocalTwinSettings().TemplateValues;

    private static readonly Lazy<Task<JsonObject>> Rendered = new(() => RenderAsync(Values));

    [Theory]
    [InlineData("rules")]
    [InlineData("targets")]
    [InlineData("metric_alarms")]
    [InlineData("composite_alarms")]
    public async Task Terraform_decodes_each_json_file_to_what_the_twin_reads(string local)
    {
        var terraform = (await Rendered.Value)[local]!.AsObject();
        var twin = TwinFiles(local).ToDictionary(Key, f => JsonNode.Parse(ConfigTemplate.Fill(File.ReadAllText(Repository.Config.PathOf(f)), Values)));

        Assert.Equal(twin.Keys.Order(StringComparer.Ordinal), terraform.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(twin, file => Assert.True(JsonNode.DeepEquals(file.Value, terraform[file.Key]), $"{local}/{file.Key}: Terraform {terraform[file.Key]?.ToJsonString()}"));
    }

    [Fact]
    public async Task Terraform_fills_the_dashboard_to_the_same_text_as_the_twin()
    {
        var terraform = (await Rendered.Value)["dashboard_body"]!.GetValue<string>();

        Assert.Equal(ConfigTemplate.Fill(File.ReadAllText(Repository.Config.PathOf("dashboard/dashboard.json")), Values), terraform);
    }

    [Fact]
    public async Task Terraform_reads_the_same_queries_as_the_twin()
    {
        var terraform = (await Rendered.Value)["queries"]!.AsObject();

        Assert.Equal(
            Repository.Config.Queries.ToDictionary(Key, f => File.ReadAllText(Repository.Config.PathOf(f))),
            terraform.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()));
    }

    private static IReadOnlyList<string> TwinFiles(string local) => local switch
    {
        "rules" => Repository.Config.Rules,
        "targets" => Repository.Config.Targets,
        "metric_alarms" => Repository.Config.MetricAlarms,
        _ => Repository.Config.CompositeAlarms,
    };

    // Terraform's keys: the file name without .json (.composite.json for composites), as infra/main.tf's trimsuffix.
    private static string Key(string file)
    {
        var name = Path.GetFileName(file);
        return name.EndsWith(".composite.json", StringComparison.Ordinal) ? name[..^".composite.json".Length] : Path.GetFileNameWithoutExtension(name);
    }

    /// <summary>`terraform console` in infra/tests/render: local.rendered as base64 JSON (the console quotes strings in HCL's syntax).</summary>
    private static async Task<JsonObject> RenderAsync(IReadOnlyDictionary<string, string> values)
    {
        var scratch = Directory.CreateTempSubdirectory("paywatch-render-");
        try
        {
            var variables = Path.Combine(scratch.FullName, "values.tfvars.json");
            await File.WriteAllTextAsync(variables, new JsonObject { ["template_values"] = new JsonObject([.. values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))]) }.ToJsonString());
            var start = new ProcessStartInfo("terraform", ["console", $"-state={Path.Combine(scratch.FullName, "terraform.tfstate")}", $"-var-file={variables}"])
            {
                WorkingDirectory = Path.Combine(Repository.Infra, "tests", "render"),
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["TF_IN_AUTOMATION"] = "1";
            start.Environment["TF_CLI_CONFIG_FILE"] = "/dev/null";
            using var terraform = Process.Start(start) ?? throw new InvalidOperationException("terraform did not start");
            await terraform.StandardInput.WriteLineAsync("base64encode(jsonencode(local.rendered))");
            terraform.StandardInput.Close();
            var output = terraform.StandardOutput.ReadToEndAsync();
            var error = await terraform.StandardError.ReadToEndAsync();
            await terraform.WaitForExitAsync();
            Assert.True(terraform.ExitCode == 0, $"terraform console failed: {error}");
            return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String((await output).Trim().Trim('"'))))!.AsObject();
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}

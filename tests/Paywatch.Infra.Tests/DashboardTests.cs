namespace Paywatch.Infra.Tests;

public sealed class DashboardTests
{
    private static JsonElement Widgets() => JsonDocument.Parse(Repository.Render(Assert.Single(Repository.Config.Dashboard))).RootElement.GetProperty("widgets");

    [Fact]
    public void The_dashboard_renders_to_json_with_exactly_ten_widgets()
    {
        Assert.Equal(10, Widgets().GetArrayLength());
    }

    [Fact]
    public void The_widgets_are_the_spec_s_list_in_its_order()
    {
        // The spec: transaction volume and error rates; Lambda duration, invocations, errors, throttles;
        // Kinesis incoming records and iterator age; dead-letter queue depth; composite alarm status.
        string[] spec = ["volume", "error rate", "duration", "invocations", "errors", "throttles", "incoming records", "iterator age", "dead-letter queue", "composite alarm"];
        var titles = Widgets().EnumerateArray().Select(w => w.GetProperty("properties").GetProperty("title").GetString()!).ToList();

        Assert.All(spec.Zip(titles), pair => Assert.Contains(pair.First, pair.Second, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Widgets_fit_the_24_column_grid_without_overlapping()
    {
        var cells = new HashSet<(int, int)>();
        foreach (var widget in Widgets().EnumerateArray())
        {
            int x = widget.GetProperty("x").GetInt32(), y = widget.GetProperty("y").GetInt32();
            int width = widget.GetProperty("width").GetInt32(), height = widget.GetProperty("height").GetInt32();
            Assert.InRange(x + width, 1, 24);
            for (var i = x; i < x + width; i++)
            {
                for (var j = y; j < y + height; j++)
                {
                    Assert.True(cells.Add((i, j)), $"widgets overlap at ({i}, {j})");
                }
            }
        }
    }

    [Fact]
    public void Every_metric_widget_names_the_stack_s_region()
    {
        Assert.All(Widgets().EnumerateArray().Where(w => w.GetProperty("type").GetString() == "metric"),
            w => Assert.Equal("eu-west-1", w.GetProperty("properties").GetProperty("region").GetString()));
    }

    [Fact]
    public void The_alarm_widget_shows_the_composite_alarms_defined_in_config()
    {
        var alarmWidget = Assert.Single(Widgets().EnumerateArray(), w => w.GetProperty("type").GetString() == "alarm");
        var shown = alarmWidget.GetProperty("properties").GetProperty("alarms").EnumerateArray().Select(a => a.GetString()!).ToList();
        var composites = Repository.Config.CompositeAlarms
            .Select(f => Repository.TemplateValues["alarm_arn_prefix"] + JsonDocument.Parse(Repository.Render(f)).RootElement.GetProperty("AlarmName").GetString());

        Assert.Equal(composites, shown);
    }
}

using CsCheck;
using Paywatch.Monitoring.Logs;
using static Paywatch.Monitoring.Tests.Logs.QueryRunner;

namespace Paywatch.Monitoring.Tests.Logs;

public sealed class SemanticsTests
{
    [Fact]
    public void Json_fields_are_flattened_with_dots_and_array_indexes()
    {
        var line = """{"a":{"b":{"c":1}},"list":[{"code":"X"},{"code":"Y"}],"Case":"upper","case":"lower","esc\"aped":"q\"uote"}""";

        var result = Run("fields a.b.c, list.1.code, list.0.code, Case, case, `esc\"aped`, a.b", line);

        Assert.Equal([["1", "Y", "X", "upper", "lower", "q\"uote", ""]], result.Texts());
    }

    [Fact]
    public void A_line_that_is_not_json_has_only_its_message_and_the_default_time()
    {
        var result = Run("fields @timestamp, @message, level", "ERROR something broke", "{not json");

        Assert.Equal(
            [
                ["2026-11-26 12:00:00.000", "ERROR something broke", ""],
                ["2026-11-26 12:00:00.000", "{not json", ""],
            ],
            result.Texts());
    }

    [Fact]
    public void Timestamp_comes_from_time_then_timestamp_then_the_caller()
    {
        var result = Run(
            "fields @timestamp, id | sort id asc",
            """{"id":1,"time":"2026-11-26T09:00:00Z","timestamp":"2020-01-01T00:00:00Z"}""",
            """{"id":2,"timestamp":"2026-11-26T10:30:00.250+01:00"}""",
            """{"id":3,"time":"not a time"}""",
            """{"id":4,"time":12345}""");

        Assert.Equal(
            [
                ["2026-11-26 09:00:00.000", "1"],
                ["2026-11-26 09:30:00.250", "2"],
                ["2026-11-26 12:00:00.000", "3"],
                ["2026-11-26 12:00:00.000", "4"],
            ],
            result.Texts());
    }

    [Fact]
    public void Without_sort_or_stats_the_newest_events_come_first_before_limit()
    {
        var result = Run(
            "fields id | limit 2",
            """{"id":"a","time":"2026-11-26T08:00:01Z"}""",
            """{"id":"c","time":"2026-11-26T08:00:03Z"}""",
            """{"id":"b","time":"2026-11-26T08:00:02Z"}""");

        // Newest first is c (08:00:03), then b (08:00:02); a is cut by the limit.
        Assert.Equal([["c"], ["b"]], result.Texts());
    }

    [Fact]
    public void At_most_ten_thousand_rows_come_back_by_default()
    {
        var lines = Enumerable.Range(0, 10_001).Select(i => $$"""{"i":{{i}}}""").ToArray();

        Assert.Equal(10_000, Run("fields i", lines).Rows.Count);
        Assert.Equal([["10001"]], Run("stats count(*) as n", lines).Texts());
    }

    [Fact]
    public void Sort_puts_text_before_numbers_digit_runs_by_length_and_missing_last()
    {
        string[] values = ["\"10\"", "\"9\"", "\"a10\"", "\"a9\"", "\"B\"", "3", "null"];
        var lines = values.Select(v => $$"""{"v":{{v}}}""").ToArray();

        var ascending = Run("fields v | sort v asc", lines).Texts().Select(r => r[0]);
        var descending = Run("fields v | sort v desc", lines).Texts().Select(r => r[0]);

        // Non-numbers by Unicode ("B" < "a"), "a9" < "a10" (shorter digit run first), then numbers 3 < 9 < 10, then missing.
        Assert.Equal(["B", "a9", "a10", "3", "9", "10", ""], ascending);
        Assert.Equal(["10", "9", "3", "a10", "a9", "B", ""], descending);
    }

    [Fact]
    public void Sort_takes_several_keys_and_is_stable()
    {
        var result = Run(
            "fields g, n, id | sort g asc, n desc",
            """{"id":1,"g":"x","n":1}""",
            """{"id":2,"g":"y","n":5}""",
            """{"id":3,"g":"x","n":2}""",
            """{"id":4,"g":"x","n":2}""");

        Assert.Equal(["3", "4", "1", "2"], result.Texts().Select(r => r[2]));
    }

    [Fact]
    public void Stats_can_follow_stats()
    {
        var result = Run(
            "stats count(*) as n by type | stats avg(n) as mean, max(n) as most, count(*) as types",
            """{"type":"A"}""", """{"type":"A"}""", """{"type":"A"}""", """{"type":"B"}""");

        // A: 3, B: 1 → mean 2, max 3, two types.
        Assert.Equal([["2", "3", "2"]], result.Texts());
    }

    [Fact]
    public void Stats_functions_over_one_group()
    {
        var result = Run(
            "stats count(*) as all, count(v) as present, count_distinct(v) as distinct, sum(v) as total, avg(v) as mean, "
            + "min(v) as low, max(v) as high, stddev(v) as sd, earliest(v) as first, latest(v) as last",
            """{"time":"2026-11-26T08:00:02Z","v":2}""",
            """{"time":"2026-11-26T08:00:01Z","v":4}""",
            """{"time":"2026-11-26T08:00:04Z","v":4}""",
            """{"time":"2026-11-26T08:00:03Z","v":6}""",
            """{"time":"2026-11-26T08:00:05Z"}""");

        // Values 2, 4, 4, 6: sum 16, mean 4, sample variance (4 + 0 + 0 + 4) / 3 = 8/3, sd √(8/3).
        var row = Assert.Single(result.Texts());
        Assert.Equal(["5", "4", "3", "16", "4", "2", "6"], row[..7]);
        Assert.Equal(Math.Sqrt(8.0 / 3), double.Parse(row[7], CultureInfo.InvariantCulture), 12);
        Assert.Equal(["4", "4"], row[8..]);
    }

    [Fact]
    public void Stats_outputs_can_be_expressions_of_aggregates()
    {
        var result = Run("stats sum(ok) / count(*) * 100 as percent", """{"ok":1}""", """{"ok":0}""", """{"ok":1}""", """{"ok":1}""");

        Assert.Equal([["75"]], result.Texts());
    }

    [Fact]
    public void Parse_with_a_glob_and_with_a_regex()
    {
        string[] lines = ["user=ann action=login took 5ms", "user=bob action=logout", "nothing here"];

        var glob = Run("parse @message \"user=* action=*\" as user, action | display user, action | sort user asc", lines);
        var regex = Run("parse @message /took (?<ms>\\d+)ms/ | filter ispresent(ms) | display ms", lines);

        Assert.Equal([["ann", "login took 5ms"], ["bob", "logout"], ["", ""]], glob.Texts());
        Assert.Equal([["5"]], regex.Texts());
    }

    [Fact]
    public void Dedup_keeps_the_first_row_per_value_and_every_row_without_one()
    {
        var result = Run(
            "fields id, k | sort id asc | dedup k",
            """{"id":1,"k":"a"}""", """{"id":2,"k":"b"}""", """{"id":3,"k":"a"}""", """{"id":4}""", """{"id":5}""");

        Assert.Equal(["1", "2", "4", "5"], result.Texts().Select(r => r[0]));
    }

    [Fact]
    public void The_time_range_leaves_out_events_outside_it()
    {
        var query = LogQuery.Parse("stats count(*) as n");
        var options = new LogQueryOptions
        {
            StartTime = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero),
            EndTime = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero),
        };

        var result = query.Run(
            [
                """{"time":"2026-11-26T07:59:59.999Z"}""",
                """{"time":"2026-11-26T08:00:00Z"}""",
                """{"time":"2026-11-26T08:59:59.999Z"}""",
                """{"time":"2026-11-26T09:00:00Z"}""",
            ],
            options);

        Assert.Equal([["2"]], result.Texts());
        Assert.Equal(4, result.RecordsScanned);
    }

    [Fact]
    public void Log_and_log_stream_come_from_the_caller()
    {
        var result = LogQuery.Parse("fields @log, @logStream").Run(["{}"], new LogQueryOptions { Log = "/aws/lambda/processor", LogStream = "2026/11/26" });

        Assert.Equal([["/aws/lambda/processor", "2026/11/26"]], result.Texts());
    }

    [Fact]
    public void The_fast_scan_and_the_full_reader_agree()
    {
        // An escaped value sends the line to the full reader; the results must not depend on which reader ran.
        var result = Run(
            "fields a, b, c, d",
            """{"a":"plain","b":1.5e2,"c":true,"d":null}""",
            """{"a":"esc\u0061ped","b":-0.5,"c":false,"d":[1,{"x":"]"}]}""");

        Assert.Equal(["plain", "150", "true", ""], result.Texts()[0]);
        Assert.Equal(["escaped", "-0.5", "false", ""], result.Texts()[1]);
    }

    [Fact]
    public void Count_sum_min_max_and_extreme_percentiles_match_the_values()
    {
        Gen.Int[-1000, 1000].Array[1, 60].Sample(values =>
        {
            var lines = values.Select(v => $$"""{"v":{{v}}}""").ToArray();
            var row = Run("stats count(*) as n, sum(v) as s, min(v) as lo, max(v) as hi, pct(v, 0) as p0, pct(v, 100) as p100", lines).Texts()[0];
            var expected = new[] { values.Length, values.Sum(), values.Min(), values.Max(), values.Min(), values.Max() }
                .Select(x => x.ToString(CultureInfo.InvariantCulture));
            return row.SequenceEqual(expected);
        });
    }
}

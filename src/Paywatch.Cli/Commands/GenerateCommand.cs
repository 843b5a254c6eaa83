using System.CommandLine;
using System.Text.Json;
using Paywatch.Local;
using Paywatch.Local.EventSourceMapping;

namespace Paywatch.Cli.Commands;

/// <summary><c>paywatch generate</c>: synthetic transactions as JSON lines on stdout, or as one Lambda Kinesis event.</summary>
internal static class GenerateCommand
{
    /// <summary>Records in a <c>--kinesis-event</c> when no <c>--count</c> is given: a batch small enough to read.</summary>
    private const int EventRecordsByDefault = 10;

    /// <summary>The most records Lambda puts in one Kinesis event (BatchSize 1-10000).</summary>
    private const int MaxEventRecords = 10_000;

    public static Command Create(CliConsole console)
    {
        var count = new Option<int>("--count", "-n")
        {
            Description = $"How many transactions to write (with --kinesis-event: {EventRecordsByDefault} unless given, at most {MaxEventRecords:N0}).",
            DefaultValueFactory = _ => 1000,
        }.AcceptRange(0);
        var kinesisEvent = new Option<bool>("--kinesis-event")
        {
            Description = "Write one Lambda Kinesis event (base64 data, the deployed tumbling window) instead of JSON lines, for 'paywatch process --event' or 'sam local invoke -e'.",
        };
        var traffic = new TrafficOptions();
        var command = new Command("generate", "Write realistic synthetic transactions as JSON lines: purchases and refunds across countries, high-value, invalid, fraud-like and velocity bursts.")
        {
            count, kinesisEvent,
        };
        traffic.AddTo(command);
        command.Validators.Add(r =>
        {
            if (r.GetValue(kinesisEvent) && r.GetResult(count) is { Implicit: false } && r.GetValue(count) is < 1 or > MaxEventRecords)
            {
                r.AddError($"--count must be from 1 to {MaxEventRecords} with --kinesis-event (Lambda's largest Kinesis batch), not {r.GetValue(count)}.");
            }
        });
        command.SetAction(result =>
        {
            var generator = traffic.CreateGenerator(result);
            if (result.GetValue(kinesisEvent))
            {
                var records = result.GetResult(count) is { Implicit: false } ? result.GetValue(count) : EventRecordsByDefault;
                var transactions = generator.Generate(records).ToList();
                // The records arrive when the first transaction happened, so the event reads as one batch of that moment.
                var arrival = transactions.Count > 0 ? ArrivalOf(transactions[0].Utf8Json) : DateTimeOffset.UnixEpoch;
                console.Out.Write(SampleKinesisEvent.Write([.. transactions.Select(t => ((ReadOnlyMemory<byte>)t.Utf8Json, t.PartitionKey))], new LocalTwinSettings(), arrival));
                console.Out.WriteByte((byte)'\n');
                return ExitCodes.Success;
            }

            var output = new BufferedStream(console.Out, 64 * 1024);
            foreach (var record in generator.Generate(result.GetValue(count)))
            {
                output.Write(record.Utf8Json);
                output.WriteByte((byte)'\n');
            }

            output.Flush();
            return ExitCodes.Success;
        });
        return command;
    }

    private static DateTimeOffset ArrivalOf(byte[] transaction)
    {
        using var document = JsonDocument.Parse(transaction);
        return document.RootElement.TryGetProperty("timestamp", out var timestamp) && timestamp.TryGetDateTimeOffset(out var time) ? time : DateTimeOffset.UnixEpoch;
    }
}

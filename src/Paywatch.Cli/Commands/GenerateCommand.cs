using System.CommandLine;

namespace Paywatch.Cli.Commands;

/// <summary><c>paywatch generate</c>: synthetic transactions as JSON lines on stdout.</summary>
internal static class GenerateCommand
{
    public static Command Create(CliConsole console)
    {
        var count = new Option<int>("--count", "-n")
        {
            Description = "How many transactions to write.",
            DefaultValueFactory = _ => 1000,
        }.AcceptRange(0);
        var traffic = new TrafficOptions();
        var command = new Command("generate", "Write realistic synthetic transactions as JSON lines: purchases and refunds across countries, high-value, invalid, fraud-like and velocity bursts.")
        {
            count,
        };
        traffic.AddTo(command);
        command.SetAction(result =>
        {
            var output = new BufferedStream(console.Out, 64 * 1024);
            foreach (var record in traffic.CreateGenerator(result).Generate(result.GetValue(count)))
            {
                output.Write(record.Utf8Json);
                output.WriteByte((byte)'\n');
            }

            output.Flush();
            return ExitCodes.Success;
        });
        return command;
    }
}

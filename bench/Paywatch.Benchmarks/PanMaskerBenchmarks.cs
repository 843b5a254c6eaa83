using BenchmarkDotNet.Attributes;
using Paywatch.Core.Transactions;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// The card-number masker alone, per text: the string values of generated records one by one, as the reader masks
/// them ("fields": ids with GUIDs, types, countries, timestamps), each generated record's whole JSON ("traffic"),
/// both without card numbers (the common case), and a mixed set of texts with card numbers, hex and UUID ids and
/// long digit runs ("mixed": the rare case, where the masker does its real work). Each text is copied into a scratch
/// buffer and masked there, so the copy is in the figure; <see cref="CopyOnly"/> measures the copy alone.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PanMaskerBenchmarks
{
    private const int Records = 10_000;

    private static readonly string[] Mixed =
    [
        "4111111111111111",
        "paid with 4111 1111 1111 1111 at merchant m-1",
        """{"card_number":"5500-0055-5555-5559","note":"crash-e7876121-000307"}""",
        "txn-4507781e-9068-8341-9b2f-1234567890ab",
        "crash-e7876121-000307 then card 378282246310005",
        "49590338271490256608559692538361571095921575989136588898",
        "1-6766a0b4-4111111111111111abcdef01",
        "merchant m-42 amount 1500 country US type PURCHASE",
    ];

    private byte[][] _texts = [];
    private byte[] _scratch = [];

    /// <summary>"fields": string values; "traffic": whole records; "mixed": card numbers, ids and long runs.</summary>
    [Params("fields", "traffic", "mixed")]
    public string Texts { get; set; } = "traffic";

    [GlobalSetup]
    public void Setup()
    {
        _texts = Texts == "fields"
            ? [.. new TrafficGenerator(seed: 1).Generate(Records).SelectMany(StringValues).Take(Records)]
            : Texts == "traffic"
            ? [.. new TrafficGenerator(seed: 1).Generate(Records).Select(r => r.Utf8Json)]
            : [.. Enumerable.Range(0, Records).Select(i => System.Text.Encoding.UTF8.GetBytes(Mixed[i % Mixed.Length]))];
        _scratch = new byte[_texts.Max(t => t.Length)];
    }

    // Each value with one space after it, so that no text is empty (CopyOnly reads its first byte).
    private static IEnumerable<byte[]> StringValues(GeneratedTransaction record) =>
        System.Text.RegularExpressions.Regex.Matches(System.Text.Encoding.UTF8.GetString(record.Utf8Json), "\":\"([^\"]*)\"")
            .Select(m => System.Text.Encoding.UTF8.GetBytes(m.Groups[1].Value + " "));

    [Benchmark(OperationsPerInvoke = Records)]
    public int MaskInPlace()
    {
        var masked = 0;
        foreach (var text in _texts)
        {
            var scratch = _scratch.AsSpan(0, text.Length);
            text.CopyTo(scratch);
            masked += PanMasker.MaskInPlace(scratch);
        }

        return masked;
    }

    [Benchmark(OperationsPerInvoke = Records, Baseline = true)]
    public int CopyOnly()
    {
        var sum = 0;
        foreach (var text in _texts)
        {
            var scratch = _scratch.AsSpan(0, text.Length);
            text.CopyTo(scratch);
            sum += scratch[0];
        }

        return sum;
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Paywatch.Traffic;

/// <summary>
/// Realistic synthetic payment traffic, deterministic for a seed: the same seed, mix and start time always
/// give the same records, byte for byte.
/// </summary>
public sealed class TrafficGenerator
{
    private static readonly (string Country, string Currency)[] StandardMarkets =
    [
        ("US", "USD"), ("US", "USD"), ("US", "USD"), ("CA", "CAD"), ("GB", "GBP"), ("GB", "GBP"), ("IE", "EUR"),
        ("DE", "EUR"), ("FR", "EUR"), ("NL", "EUR"), ("ES", "EUR"), ("IT", "EUR"), ("AU", "AUD"),
    ];

    private static readonly (string Country, string Currency)[] OtherMarkets =
    [
        ("BR", "BRL"), ("NG", "NGN"), ("RU", "RUB"), ("VN", "VND"), ("MX", "MXN"), ("IN", "INR"), ("TR", "TRY"),
        ("PH", "PHP"), ("RO", "RON"), ("UA", "UAH"),
    ];

    private const int CardPool = 50_000;
    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(20);

    private readonly Random _random;
    private readonly TrafficMix _mix;
    private DateTimeOffset _clock;

    public TrafficGenerator(int seed, TrafficMix? mix = null, DateTimeOffset? start = null)
    {
        _random = new Random(seed);
        _mix = mix ?? TrafficMix.Default;
        _clock = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Generates <paramref name="count"/> records (a velocity burst may be cut short at the end).</summary>
    public IEnumerable<GeneratedTransaction> Generate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var produced = 0;
        while (produced < count)
        {
            var kind = _mix.Pick(_random);
            if (kind == TrafficKind.Velocity)
            {
                var card = CardId(CardPool + _random.Next(CardPool)); // bursts use their own cards
                var burst = _random.Next(21, 31);
                for (var i = 0; i < burst && produced < count; i++, produced++)
                {
                    yield return Record(kind, w => WriteTransaction(w, "PURCHASE", Amount(5, 80), Standard(), card));
                }

                continue;
            }

            produced++;
            yield return kind switch
            {
                TrafficKind.Normal => Normal(),
                TrafficKind.HighValue => Record(kind, w => WriteTransaction(w, "PURCHASE", Amount(10_000.01, 50_000), Standard(), RandomCard())),
                TrafficKind.Fraud => Fraud(),
                _ => Invalid(),
            };
        }
    }

    private GeneratedTransaction Normal()
    {
        var market = _random.Next(10) == 0 ? Other() : Standard();
        var type = _random.Next(100) < 85 ? "PURCHASE" : "REFUND";
        return Record(TrafficKind.Normal, w => WriteTransaction(w, type, Amount(2, 2_000), market, RandomCard()));
    }

    private GeneratedTransaction Fraud()
    {
        var score = _random.Next(81, 100);
        return Record(TrafficKind.Fraud, w => WriteTransaction(
            w, _random.Next(2) == 0 ? "PURCHASE" : "TRANSFER", Amount(500, 9_500), Other(), RandomCard(), score));
    }

    // Each invalid record is broken in one way, cycling through what producers actually get wrong.
    private GeneratedTransaction Invalid()
    {
        var card = RandomCard();
        var id = NextId();
        var time = Timestamp();
        var json = _random.Next(10) switch
        {
            0 => $$"""{"transaction_id":"{{id}}","amount":-100,"type":"PURCHASE","merchant_id":"merch-123","merchant_country":"US","card_id":"{{card}}"}""",
            1 => $$"""{"transaction_id":"{{id}}","amount":-100,"type":"PURCHASE"}""",
            2 => $$"""{"transaction_id":"{{id}}","amount":0,"type":"PURCHASE","merchant_id":"merch-9","merchant_country":"GB","card_id":"{{card}}"}""",
            3 => $$"""{"transaction_id":"{{id}}","amount":25.5,"type":"TELEPORT","merchant_id":"merch-7","merchant_country":"US","card_id":"{{card}}"}""",
            4 => $$"""{"transaction_id":"{{id}}","amount":42,"type":"PURCHASE","merchant_id":"merch-7","merchant_country":"XX","card_id":"{{card}}"}""",
            5 => $$"""{"transaction_id":"{{id}}","amount":42,"currency":"ABC","type":"PURCHASE","merchant_id":"merch-7","merchant_country":"FR","card_id":"{{card}}"}""",
            6 => $$"""{"transaction_id":"{{id}}","amount":"42.00","type":"PURCHASE","merchant_id":"merch-7","merchant_country":"DE","card_id":"{{card}}"}""",
            7 => $$"""{"transaction_id":"{{id}}","amount":42,"type":"PURCHASE","merchant_id":"merch-7","merchant_country":"US","timestamp":"yesterday","card_id":"{{card}}"}""",
            8 => $$"""{"transaction_id":"{{id}}","amount":42,"type":"PURCHASE","merch""",
            _ => $$"""["{{id}}",42,"PURCHASE","{{time}}"]""",
        };
        return new GeneratedTransaction(Encoding.UTF8.GetBytes(json), card, TrafficKind.Invalid);
    }

    private static GeneratedTransaction Record(TrafficKind kind, Func<Utf8JsonWriter, string> write)
    {
        var buffer = new MemoryStream();
        string partitionKey;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            partitionKey = write(writer);
        }

        return new GeneratedTransaction(buffer.ToArray(), partitionKey, kind);
    }

    private string WriteTransaction(
        Utf8JsonWriter writer, string type, decimal amount, (string Country, string Currency) market, string card, int? riskScore = null)
    {
        writer.WriteStartObject();
        writer.WriteString("transaction_id", NextId());
        writer.WriteNumber("amount", amount);
        writer.WriteString("currency", market.Currency);
        writer.WriteString("type", type);
        writer.WriteString("merchant_id", string.Create(CultureInfo.InvariantCulture, $"merch-{_random.Next(1, 5_000):D4}"));
        writer.WriteString("merchant_country", market.Country);
        writer.WriteString("card_id", card);
        writer.WriteString("timestamp", Timestamp());
        if (riskScore is { } score)
        {
            writer.WriteNumber("risk_score", score);
        }

        writer.WriteEndObject();
        return card;
    }

    private decimal Amount(double min, double max)
    {
        // Log-uniform: small amounts are common, large ones rare, as in real card traffic.
        var value = Math.Exp(Math.Log(min) + (_random.NextDouble() * (Math.Log(max) - Math.Log(min))));
        return Math.Round((decimal)value, 2);
    }

    private (string, string) Standard() => StandardMarkets[_random.Next(StandardMarkets.Length)];

    private (string, string) Other() => OtherMarkets[_random.Next(OtherMarkets.Length)];

    private string RandomCard() => CardId(_random.Next(CardPool));

    private static string CardId(int n) => string.Create(CultureInfo.InvariantCulture, $"card_{n:D6}");

    // Identifiers shaped like the UUIDs most payment systems use; the generator's Random keeps them reproducible.
    private string NextId()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        return string.Create(CultureInfo.InvariantCulture, $"txn-{new Guid(bytes):D}");
    }

    private string Timestamp()
    {
        _clock += Spacing;
        return _clock.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }
}

namespace Paywatch.Traffic;

/// <summary>The kinds of synthetic transaction the generator mixes.</summary>
public enum TrafficKind
{
    /// <summary>Purchases and refunds of everyday amounts, mostly in standard countries.</summary>
    Normal,

    /// <summary>A purchase above 10,000 in a standard country.</summary>
    HighValue,

    /// <summary>Broken in one of several ways (negative amount, missing merchant, bad JSON, ...).</summary>
    Invalid,

    /// <summary>A producer-scored risk above 80 at a merchant outside the standard countries.</summary>
    Fraud,

    /// <summary>A burst of 21 to 30 transactions from one card, back to back.</summary>
    Velocity,
}

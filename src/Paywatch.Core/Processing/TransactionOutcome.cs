using Paywatch.Core.Transactions;

namespace Paywatch.Core.Processing;

/// <summary>What the processor keeps of one record between reading it and reporting on it.</summary>
internal struct TransactionOutcome
{
    public TransactionStatus Status;
    public TransactionType Type;
    public decimal? Amount;
    /// <summary>Arrival in Kinesis to processing, or null when the record has no arrival time.</summary>
    public long? LatencyMilliseconds;
    public bool IsHighValue;
    public bool IsSuspectedFraud;
    public bool IsVelocityExceeded;
    public int MaskedPans;

    /// <summary>The detail JSON: a range of the batch's detail buffer.</summary>
    public int DetailOffset;
    public int DetailLength;

    /// <summary>The matched rule names: a range of the batch's rule-name list.</summary>
    public int RulesOffset;
    public int RulesCount;

    /// <summary>Index in the publish call's entries, or -1 when the routing policy did not select it.</summary>
    public int EntryIndex;

    /// <summary>The velocity key counted for this record, to take back if Lambda will deliver it again.</summary>
    public ulong EntityHash;
    public bool Counted;

    /// <summary>The incidents the record is notified for (its event's <c>alert</c>).</summary>
    public Paywatch.Core.Alerting.AlertKind Alerts;

    /// <summary>Whether this record took its entity over the velocity threshold in the window (to take back on redelivery).</summary>
    public bool VelocityExceedRecorded;

    /// <summary>The trace the record's spans are in (the batch's, or its own in transaction mode); default when not traced.</summary>
    public System.Diagnostics.ActivityTraceId TraceId;
}

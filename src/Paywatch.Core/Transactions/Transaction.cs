namespace Paywatch.Core.Transactions;

/// <summary>
/// One transaction as read from a record: the contract's fields, the errors found, the status they imply.
/// A processor reuses a single instance record after record, so reading allocates nothing once warm.
/// </summary>
/// <remarks>
/// String fields are kept as UTF-8 in an internal buffer, unescaped and already PAN-masked: nothing read into a
/// <see cref="Transaction"/> can leak a card number further down the pipeline.
/// </remarks>
public sealed class Transaction
{
    /// <summary>The longest identifier (after JSON unescaping) the contract accepts, in UTF-8 bytes.</summary>
    public const int MaxIdentifierBytes = 128;

    private static readonly int FieldCount = Enum.GetValues<TransactionField>().Length;

    private readonly (int Offset, int Length)[] _strings = new (int, int)[FieldCount];
    private readonly List<ValidationError> _errors = new(8);
    private byte[] _text = new byte[1024];
    private int _textLength;
    private int _present;

    public IReadOnlyList<ValidationError> Errors => _errors;

    /// <summary>
    /// ERROR when the record is unreadable, FAILED when it has other errors, else APPROVED. An unreadable
    /// record carries exactly one error (see <see cref="Fail"/>), so the first error decides.
    /// </summary>
    public TransactionStatus Status =>
        _errors.Count == 0 ? TransactionStatus.Approved
        : _errors[0].Code.IsUnreadable() ? TransactionStatus.Error
        : TransactionStatus.Failed;

    /// <summary>The first error, the one dashboards and the Error-Analysis query group by.</summary>
    public ValidationErrorCode? PrimaryError => _errors.Count == 0 ? null : _errors[0].Code;

    public decimal? Amount { get; internal set; }

    public TransactionType Type { get; internal set; }

    public DateTimeOffset? Timestamp { get; internal set; }

    public int? RiskScore { get; internal set; }

    public int? TransactionCount { get; internal set; }

    /// <summary>How many PAN-like values were masked while reading (a producer bug worth an alarm).</summary>
    public int MaskedPans { get; internal set; }

    public bool IsPresent(TransactionField field) => (_present & (1 << (int)field)) != 0;

    /// <summary>The UTF-8 text of a string field (masked), or empty when absent or not a string.</summary>
    public ReadOnlySpan<byte> Text(TransactionField field)
    {
        var (offset, length) = _strings[(int)field];
        return _text.AsSpan(offset, length);
    }

    /// <summary>Whether the field was given as a string (as opposed to absent or of another JSON type).</summary>
    public bool HasText(TransactionField field) => _strings[(int)field].Length > 0;

    /// <summary>The key velocity is counted by: the card token, else the account token.</summary>
    public ReadOnlySpan<byte> EntityKey =>
        HasText(TransactionField.CardId) ? Text(TransactionField.CardId) : Text(TransactionField.AccountId);

    internal void Reset()
    {
        Array.Clear(_strings);
        _errors.Clear();
        _textLength = 0;
        _present = 0;
        Amount = null;
        Type = TransactionType.Unknown;
        Timestamp = null;
        RiskScore = null;
        TransactionCount = null;
        MaskedPans = 0;
    }

    /// <summary>Resets the transaction to an unreadable record with a single error.</summary>
    internal void Fail(ValidationErrorCode code)
    {
        Reset();
        _errors.Add(new ValidationError(code));
    }

    internal void AddError(ValidationErrorCode code, TransactionField? field = null)
    {
        System.Diagnostics.Debug.Assert(!code.IsUnreadable(), "unreadable records go through Fail");
        _errors.Add(new ValidationError(code, field));
    }

    internal bool HasError(TransactionField field)
    {
        foreach (var error in _errors)
        {
            if (error.Field == field)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Marks a field as seen; returns false when it was already seen (a duplicate key).</summary>
    internal bool MarkPresent(TransactionField field)
    {
        var bit = 1 << (int)field;
        var first = (_present & bit) == 0;
        _present |= bit;
        return first;
    }

    /// <summary>Reserves room for a string value of at most <paramref name="maxLength"/> bytes.</summary>
    internal Span<byte> RentText(int maxLength)
    {
        if (_textLength + maxLength > _text.Length)
        {
            Array.Resize(ref _text, Math.Max(_text.Length * 2, _textLength + maxLength));
        }

        return _text.AsSpan(_textLength, maxLength);
    }

    /// <summary>Commits <paramref name="length"/> bytes written into the last <see cref="RentText"/> span.</summary>
    internal void CommitText(TransactionField field, int length)
    {
        MaskedPans += PanMasker.MaskInPlace(_text.AsSpan(_textLength, length));
        _strings[(int)field] = (_textLength, length);
        _textLength += length;
    }
}

namespace Paywatch.Core.Transactions;

/// <summary>One reason a record is not APPROVED: a stable code and, where one applies, the field it concerns.</summary>
public readonly record struct ValidationError(ValidationErrorCode Code, TransactionField? Field = null);

namespace Paywatch.Local.Notifications;

/// <summary>Where <see cref="EmailSubscription"/> sends mail: the SMTP server, the sender and the subscribed address.</summary>
public sealed record SmtpSettings(string Host, int Port, string From, string To, bool EnableSsl = false, string? UserName = null, string? Password = null);

namespace Paywatch.Monitoring.Dashboards;

/// <summary>A dashboard body or widget CloudWatch would refuse; the message says what to fix.</summary>
public sealed class InvalidDashboardException : Exception
{
    public InvalidDashboardException()
    {
    }

    public InvalidDashboardException(string message)
        : base(message)
    {
    }

    public InvalidDashboardException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

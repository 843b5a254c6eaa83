namespace Paywatch.Monitoring.Alarms;

/// <summary>How an alarm treats missing datapoints (<c>TreatMissingData</c>); <c>missing</c> is the default.</summary>
public enum MissingDataTreatment
{
    Missing,
    Ignore,
    Breaching,
    NotBreaching,
}

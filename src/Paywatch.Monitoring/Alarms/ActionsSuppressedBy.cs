namespace Paywatch.Monitoring.Alarms;

/// <summary>Why a composite alarm's actions are held back (the CompositeAlarm ActionsSuppressedBy field).</summary>
public enum ActionsSuppressedBy
{
    /// <summary>Not suppressed: the composite performs its actions.</summary>
    None,

    /// <summary>Waiting, at most ActionsSuppressorWaitPeriod, for the suppressor to go into ALARM.</summary>
    WaitPeriod,

    /// <summary>Waiting, at most ActionsSuppressorExtensionPeriod, after the suppressor left ALARM.</summary>
    ExtensionPeriod,

    /// <summary>The suppressor alarm is in ALARM.</summary>
    Alarm,
}

namespace SampleBroker.Requests;

/// <summary>
/// The broker's own timers, run by both hosts: the Functions app as timer triggers with these names and
/// schedules, the local host as background loops of the same names (a test checks both lists agree).
/// </summary>
public static class MaintenanceTimers
{
    /// <summary>The reconciler (<see cref="RequestReconciler"/>): every 30 seconds.</summary>
    public const string Reconcile = "ReconcileSampleRequests";

    /// <summary>NCRONTAB with seconds: every 30 seconds.</summary>
    public const string ReconcileSchedule = "*/30 * * * * *";

    /// <summary>The retention pass (<see cref="RetentionSweeper"/>): daily.</summary>
    public const string Retention = "ApplyRetention";

    /// <summary>NCRONTAB with seconds: daily at 03:15 UTC.</summary>
    public const string RetentionSchedule = "0 15 3 * * *";

    /// <summary>How often the local host runs the retention pass (its first run is a minute after start).</summary>
    public static readonly TimeSpan RetentionInterval = TimeSpan.FromDays(1);
}

using System.Text;
using Paywatch.Monitoring;

namespace Paywatch.Local.Dashboards;

/// <summary>
/// The twin's CloudWatch dashboard: config/dashboard/dashboard.json filled with the twin's values as Terraform's
/// templatefile fills it, named as infra/main.tf names it (<c>local.dashboard_name</c>, <c>paywatch-{environment}</c>).
/// The web UI draws it; GetDashboard and ListDashboards serve it.
/// </summary>
public sealed record LocalDashboard(string DashboardName, string DashboardBody, DateTimeOffset LastModified)
{
    /// <summary>The body's size in bytes, as ListDashboards reports it.</summary>
    public long Size => Encoding.UTF8.GetByteCount(DashboardBody);

    /// <summary>Reads the dashboard of a config directory, filled for <paramref name="settings"/>; null when it has none.</summary>
    public static LocalDashboard? Load(string configDirectory, LocalTwinSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = new ConfigDirectory(configDirectory);
        if (config.Dashboard.Count == 0)
        {
            return null;
        }

        var path = config.PathOf(config.Dashboard[0]);
        return new LocalDashboard(
            $"paywatch-{settings.Environment}",
            ConfigTemplate.Fill(File.ReadAllText(path), settings.TemplateValues),
            new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero));
    }
}

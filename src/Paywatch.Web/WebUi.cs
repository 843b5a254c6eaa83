using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Paywatch.Local;

namespace Paywatch.Web;

/// <summary>
/// The twin's web UI on the twin's own port: the page and its bundle at <c>/</c>, and the JSON API the page reads
/// under <c>/api/</c> (the contract is <c>client/src/api.ts</c>). The AWS APIs keep <c>POST /</c>.
/// </summary>
public static class WebUi
{
    /// <param name="configDirectory">The config/ folder the twin runs (its dashboard body is served).</param>
    public static void Map(WebApplication app, LocalTwin twin, string configDirectory)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(twin);
        WebAssets.Load().Map(app);
        Favicon.Map(app);
        HealthEndpoints.Map(app, twin);
        StatusEndpoints.Map(app, twin);
        CostEndpoints.Map(app, twin);
        DashboardEndpoints.Map(app, twin, configDirectory);
        AlarmEndpoints.Map(app, twin);
        TraceEndpoints.Map(app, twin);
        EventEndpoints.Map(app, twin);
        DeadLetterEndpoints.Map(app, twin);
        app.Map("/api/{**rest}", () => WebJson.Error(StatusCodes.Status404NotFound, "No such API: docs/web-ui.md lists the routes."));
    }
}

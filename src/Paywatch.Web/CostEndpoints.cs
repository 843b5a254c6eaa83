using Microsoft.AspNetCore.Builder;
using Paywatch.Local;

namespace Paywatch.Web;

/// <summary><c>GET /api/cost</c>: what the twin's run would cost on AWS (the twin's meter, docs/cost.md).</summary>
internal static class CostEndpoints
{
    public static void Map(WebApplication app, LocalTwin twin) =>
        app.MapGet("/api/cost", () =>
        {
            var cost = twin.Cost.Read();
            var run = cost.Run;
            return WebJson.Ok(new
            {
                region = cost.Report.Table.Region,
                pricesVersion = cost.Report.Table.Version,
                elapsedSeconds = run.Period.TotalSeconds,
                usdSoFar = cost.UsdSoFar,
                usdPerHour = cost.UsdPerHour,
                usdPerMonth = cost.UsdPerMonth,
                run = new
                {
                    records = run.Records,
                    putPayloadUnits = run.PutPayloadUnits,
                    invocations = run.Invocations,
                    lambdaGbSeconds = run.LambdaGbSeconds,
                    eventEntries = run.EventEntries,
                    notifications = run.Publishes,
                    customMetrics = run.CustomMetrics,
                    logBytes = run.LogBytes,
                    traces = run.Traces,
                },
                lines = cost.Report.Lines.Select(l => new
                {
                    service = l.Price.Service,
                    item = l.Price.Item,
                    unit = l.Price.Unit,
                    quantityPerMonth = l.Quantity,
                    usdPerMonth = l.MonthlyUsd,
                }),
            });
        });
}

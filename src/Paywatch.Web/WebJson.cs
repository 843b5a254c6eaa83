using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Paywatch.Monitoring.Dashboards;
using Paywatch.Monitoring.Logs;
using Paywatch.Monitoring.MetricMath;

namespace Paywatch.Web;

/// <summary>The API's JSON: camelCase, as api.ts names it; errors as <c>{"error": "..."}</c> with a 4xx or 5xx status.</summary>
internal static class WebJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // Served as application/json, never inlined into HTML: no need to escape ' < > as \u0027 ...
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Request bodies nest no deeper than the AWS APIs' (a deeper one is a 400, never a deep recursion).
        MaxDepth = Paywatch.Local.Api.RequestLimits.MaxDepth,
    };

    public static IResult Ok<T>(T value) => Results.Json(value, Options);

    public static IResult Error(int status, string message) => Results.Json(new ErrorBody(message), Options, statusCode: status);

    /// <summary>Runs an endpoint, turning what the caller got wrong into a 400 that says what.</summary>
    public static async Task<IResult> Guard(Func<Task<IResult>> endpoint)
    {
        try
        {
            return await endpoint().ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDashboardException or InvalidQueryException or InvalidMetricMathException or JsonException or FormatException or BadRequestException)
        {
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            // A body past the API's limit (413, RequestLimits.MaxWebApiBodyBytes) or cut short.
            return Error(e.StatusCode, e.Message);
        }
    }

    /// <summary>Reads a JSON request body.</summary>
    /// <exception cref="BadRequestException">No body, or not the shape asked for.</exception>
    public static async Task<T> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        // ReadFromJsonAsync throws InvalidOperationException (a 500) for any other content type, or none.
        if (!request.HasJsonContentType())
        {
            throw new BadRequestException("The request needs a JSON body (Content-Type: application/json).");
        }

        try
        {
            return await request.ReadFromJsonAsync<T>(Options, request.HttpContext.RequestAborted).ConfigureAwait(false)
                ?? throw new BadRequestException("The request needs a JSON body.");
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"The request body is not the JSON asked for: {e.Message}");
        }
    }

    /// <summary>An ISO 8601 time parameter.</summary>
    /// <exception cref="BadRequestException">Missing or not a time.</exception>
    public static DateTimeOffset Time(string? text, string name) =>
        // A '+' of an offset left unencoded in a query string arrives as a space.
        DateTimeOffset.TryParse(text?.Replace(' ', '+'), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : throw new BadRequestException($"'{name}' must be an ISO 8601 time, not '{text}'.");

    private sealed record ErrorBody(string Error);
}

/// <summary>A request the API cannot serve as asked; the message says why.</summary>
internal sealed class BadRequestException(string message) : Exception(message);

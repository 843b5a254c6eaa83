using System.Net;

namespace Paywatch.Aws.XRay;

/// <summary>
/// The X-Ray daemon's UDP address from <c>AWS_XRAY_DAEMON_ADDRESS</c>, which Lambda sets: either <c>host:port</c>
/// (both protocols) or <c>tcp:host:port udp:host:port</c>
/// (https://docs.aws.amazon.com/xray/latest/devguide/xray-sdk-dotnet-configuration.html#xray-sdk-dotnet-configuration-envvars).
/// Unset, it is the daemon's default, 127.0.0.1:2000.
/// </summary>
public static class XRayDaemonAddress
{
    public static readonly IPEndPoint Default = new(IPAddress.Loopback, 2000);

    /// <summary>The variable Lambda sets to the daemon's address.</summary>
    public const string EnvironmentVariable = "AWS_XRAY_DAEMON_ADDRESS";

    public static IPEndPoint FromEnvironment(Func<string, string?>? environment = null) =>
        Parse((environment ?? Environment.GetEnvironmentVariable)(EnvironmentVariable));

    /// <exception cref="FormatException">The value is neither form, or its host does not resolve.</exception>
    public static IPEndPoint Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Default;
        }

        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string address;
        if (parts.Length == 1 && !parts[0].StartsWith("tcp:", StringComparison.OrdinalIgnoreCase)
            && !parts[0].StartsWith("udp:", StringComparison.OrdinalIgnoreCase))
        {
            address = parts[0];
        }
        else
        {
            address = parts.FirstOrDefault(p => p.StartsWith("udp:", StringComparison.OrdinalIgnoreCase))?[4..]
                ?? throw new FormatException($"AWS_XRAY_DAEMON_ADDRESS '{value}' names no udp: address.");
        }

        if (IPEndPoint.TryParse(address, out var endpoint) && endpoint.Port != 0)
        {
            return endpoint;
        }

        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
        {
            throw new FormatException($"AWS_XRAY_DAEMON_ADDRESS '{value}' is not host:port.");
        }

        var addresses = Dns.GetHostAddresses(address[..colon]);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new FormatException($"AWS_XRAY_DAEMON_ADDRESS host '{address[..colon]}' does not resolve.");
        return new IPEndPoint(chosen, port);
    }
}

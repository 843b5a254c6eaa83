using System.Globalization;
using System.Net;

namespace Paywatch.Local.Api;

/// <summary>
/// The host names the endpoint answers to: loopback names and addresses (<c>localhost</c>, <c>*.localhost</c>,
/// <c>127.0.0.0/8</c>, <c>[::1]</c>), and the names the user adds (<c>paywatch up --allow-host</c>). Anything else is a
/// name that merely resolves to 127.0.0.1, which is what a DNS-rebinding page looks like
/// (https://en.wikipedia.org/wiki/DNS_rebinding): the browser sends the attacker's name as <c>Host</c>.
/// </summary>
public sealed class AllowedHosts
{
    private readonly HashSet<string> _added;

    /// <param name="added">More names (or addresses) to answer to, without port, e.g. <c>paywatch.internal</c>.</param>
    public AllowedHosts(IEnumerable<string>? added = null)
    {
        _added = new HashSet<string>((added ?? []).Select(Normalize), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Loopback only.</summary>
    public static AllowedHosts LoopbackOnly { get; } = new();

    /// <summary>Whether a host (as in <c>Host</c> or an origin: a name, an IPv4 address or a bracketed IPv6 one, no port) is served.</summary>
    public bool IsAllowed(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        var name = Normalize(host);
        return IsLoopback(name) || _added.Contains(name);
    }

    /// <summary>
    /// <c>localhost</c> and its subdomains resolve to loopback by RFC 6761 §6.3, and browsers resolve them so without
    /// asking DNS, so no attacker can rebind them; an address is taken only in its plain form (dotted quad, or
    /// <c>[::1]</c>), never the shorthands a lenient parser would also read as loopback.
    /// </summary>
    private static bool IsLoopback(string name)
    {
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (name.StartsWith('[') && name.EndsWith(']'))
        {
            return IPAddress.TryParse(name.AsSpan(1, name.Length - 2), out var v6) && v6.Equals(IPAddress.IPv6Loopback);
        }

        var octets = name.Split('.');
        return octets.Length == 4
            && octets.All(o => o.Length is > 0 and <= 3 && byte.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            && octets[0] == "127";
    }

    /// <summary>The fully qualified form's trailing dot dropped; a bare IPv6 address bracketed, as <c>Host</c> carries it.</summary>
    private static string Normalize(string host)
    {
        var name = host.Trim();
        if (name.EndsWith('.'))
        {
            name = name[..^1];
        }

        return name.Contains(':', StringComparison.Ordinal) && !name.StartsWith('[') ? $"[{name}]" : name;
    }
}

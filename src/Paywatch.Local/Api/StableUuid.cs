using System.Security.Cryptography;
using System.Text;

namespace Paywatch.Local.Api;

/// <summary>An id shaped as AWS's (a UUID) derived from a name, so that the same resource keeps its id across restarts.</summary>
internal static class StableUuid
{
#pragma warning disable CA5351 // An id derived from a name, not a security measure.
    public static string Of(string name) => new Guid(MD5.HashData(Encoding.UTF8.GetBytes(name))).ToString();
#pragma warning restore CA5351
}

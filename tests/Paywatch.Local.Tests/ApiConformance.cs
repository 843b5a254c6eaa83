using System.Runtime.CompilerServices;
using Paywatch.Local.Api.Protocols;

namespace Paywatch.Local.Tests;

/// <summary>
/// The conformance test over every API test: each response the twin's API answers in this test run is held to its
/// operation's output shape in the service model (<see cref="ResponseConformance"/>); a response that breaks it is a 500
/// naming the member, which fails the test that received it.
/// </summary>
internal static class ApiConformance
{
    [ModuleInitializer]
    internal static void HoldEveryResponseToItsShape() => ResponseConformance.Enabled = true;
}

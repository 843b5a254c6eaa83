using Paywatch.Aws.XRay;

namespace Paywatch.Aws.Tests.XRay;

/// <summary>The tracing header ("Tracing header", X-Ray concepts) and the daemon address forms.</summary>
public sealed class XRayTraceContextTests
{
    [Fact]
    public void The_documented_header_is_read()
    {
        var context = XRayTraceContext.Parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");

        Assert.Equal(new XRayTraceContext("1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8", true), context);
    }

    [Theory]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0", null, false)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=?", "53995c3f42cd8ad8", null)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1|68fd508a:5", "53995c3f42cd8ad8", true)]
    [InlineData(" Sampled=1 ; Root=1-5759e988-bd862e3fe1be46a994272793 ", null, true)]
    public void Fields_may_be_missing_reordered_or_extended(string header, string? parent, bool? sampled)
    {
        var context = XRayTraceContext.Parse(header);

        Assert.NotNull(context);
        Assert.Equal("1-5759e988-bd862e3fe1be46a994272793", context.TraceId);
        Assert.Equal(parent, context.ParentId);
        Assert.Equal(sampled, context.Sampled);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Parent=53995c3f42cd8ad8;Sampled=1")]
    [InlineData("Root=1-5759e988-notahexvalue;Sampled=1")]
    public void A_header_without_a_valid_root_is_no_context(string? header)
    {
        Assert.Null(XRayTraceContext.Parse(header));
    }

    [Fact]
    public void The_context_is_read_from_X_AMZN_TRACE_ID()
    {
        var context = XRayTraceContext.FromEnvironment(name => name == "_X_AMZN_TRACE_ID"
            ? "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1" : null);

        Assert.Equal("53995c3f42cd8ad8", context?.ParentId);
    }

    [Fact]
    public void New_trace_ids_have_the_epoch_seconds_then_96_random_bits()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(0x5759e988);

        var first = Paywatch.Core.Telemetry.TraceIds.ToXRay(Paywatch.Core.Telemetry.TraceIds.New(start));
        var second = Paywatch.Core.Telemetry.TraceIds.ToXRay(Paywatch.Core.Telemetry.TraceIds.New(start));

        Assert.Matches("^1-5759e988-[0-9a-f]{24}$", first);
        Assert.NotEqual(first, second);
        Assert.True(XRayIds.IsTraceId(first));
    }

    [Theory]
    [InlineData(null, "127.0.0.1:2000")]
    [InlineData("169.254.79.129:2000", "169.254.79.129:2000")]
    [InlineData("tcp:127.0.0.1:3000 udp:127.0.0.2:3001", "127.0.0.2:3001")]
    [InlineData("udp:127.0.0.5:2001 tcp:127.0.0.1:3000", "127.0.0.5:2001")]
    [InlineData("localhost:2005", "127.0.0.1:2005")]
    public void The_daemon_address_takes_both_forms(string? value, string expected)
    {
        Assert.Equal(expected, XRayDaemonAddress.Parse(value).ToString());
    }

    [Theory]
    [InlineData("tcp:127.0.0.1:3000")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:99999")]
    public void A_daemon_address_without_a_udp_host_and_port_is_refused(string value)
    {
        Assert.Throws<FormatException>(() => XRayDaemonAddress.Parse(value));
    }
}

using Paywatch.Local.EventSourceMapping;

namespace Paywatch.Local.Tests.EventSourceMapping;

public sealed class EventSourceMappingOptionsTests
{
    [Fact]
    public void Defaults_are_those_of_infra_variables_and_lambda_tf()
    {
        var options = new EventSourceMappingOptions();

        Assert.Equal(100, options.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(1), options.MaximumBatchingWindow);
        Assert.Equal(2, options.ParallelizationFactor);
        Assert.True(options.BisectBatchOnFunctionError);
        Assert.Equal(3, options.MaximumRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(3600), options.MaximumRecordAge);
        Assert.True(options.ReportBatchItemFailures);
        Assert.Equal(TimeSpan.FromSeconds(300), options.TumblingWindow);
        Assert.Equal(StartingPosition.Latest, options.StartingPosition);
        options.Validate();
    }

    public static TheoryData<EventSourceMappingOptions, string> OutOfRange => new()
    {
        { new EventSourceMappingOptions { BatchSize = 0 }, "BatchSize" },
        { new EventSourceMappingOptions { BatchSize = 10_001 }, "BatchSize" },
        { new EventSourceMappingOptions { MaximumBatchingWindow = TimeSpan.FromSeconds(301) }, "MaximumBatchingWindow" },
        { new EventSourceMappingOptions { ParallelizationFactor = 11 }, "ParallelizationFactor" },
        { new EventSourceMappingOptions { MaximumRetryAttempts = -1 }, "MaximumRetryAttempts" },
        { new EventSourceMappingOptions { MaximumRecordAge = TimeSpan.FromSeconds(59) }, "MaximumRecordAge" },
        { new EventSourceMappingOptions { TumblingWindow = TimeSpan.FromSeconds(901) }, "TumblingWindow" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Settings_Terraform_refuses_are_refused(EventSourceMappingOptions options, string setting)
    {
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(setting, error.ParamName);
    }
}

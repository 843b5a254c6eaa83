using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Paywatch.Local.Api;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;

namespace Paywatch.Local.Tests.Api;

/// <summary>The service models, the codecs and the validation they drive, checked against the models' own text (botocore's service-2.json).</summary>
public sealed partial class ServiceModelTests
{
    [Fact]
    public void The_eight_models_hold_the_52_operations_the_twin_serves_with_their_routing_metadata()
    {
        Assert.Equal(8, ServiceModels.All.Count);
        Assert.Equal(52, ServiceModels.All.Sum(m => m.Operations.Count));
        Assert.Equal(("GraniteServiceVersion20100801", "1.0", "monitoring"), (ServiceModels.CloudWatch.TargetPrefix, ServiceModels.CloudWatch.JsonVersion, ServiceModels.CloudWatch.SigningName));
        Assert.Equal(["smithy-rpc-v2-cbor", "json", "query"], ServiceModels.CloudWatch.Protocols);
        Assert.Equal("Kinesis", ServiceModels.ByTargetPrefix("Kinesis_20131202")!.ServiceId);
        Assert.Equal("GetMetricStatisticsResult", ServiceModels.CloudWatch.Operation("GetMetricStatistics").ResultWrapper);
    }

    /// <summary>docs/local-twin.md's operation table lists exactly the operations of the models, service by service.</summary>
    [Fact]
    public void The_operation_table_in_the_docs_matches_the_models()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Kinesis"] = "Kinesis", ["EventBridge"] = "EventBridge", ["SQS"] = "SQS", ["CloudWatch"] = "CloudWatch",
            ["Logs"] = "CloudWatch Logs", ["SNS"] = "SNS", ["X-Ray"] = "XRay", ["Lambda"] = "Lambda",
        };
        var documented = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match row in TableRow().Matches(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "local-twin.md"))))
        {
            foreach (var operation in row.Groups["operations"].Value.Split(", "))
            {
                documented.Add($"{names[row.Groups["service"].Value]} {operation}");
            }
        }

        Assert.Equal(ServiceModels.All.SelectMany(m => m.Operations.Keys.Select(o => $"{m.ServiceId} {o}")).Order(StringComparer.Ordinal), documented);
    }

    /// <summary>CloudWatch's model: DescribeAlarms' StateValue is an enum, MaxRecords 1-100 (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).</summary>
    [Theory]
    [InlineData("""{"StateValue":"RED"}""", "ValidationError", "1 validation error detected: Value 'RED' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [OK, ALARM, INSUFFICIENT_DATA]")]
    [InlineData("""{"MaxRecords":0}""", "ValidationError", "1 validation error detected: Value '0' at 'maxRecords' failed to satisfy constraint: Member must have value greater than or equal to 1")]
    [InlineData("""{"MaxRecords":101,"StateValue":"RED"}""", "ValidationError", "2 validation errors detected: Value 'RED' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [OK, ALARM, INSUFFICIENT_DATA]; Value '101' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100")]
    [InlineData("""{"MaxRecords":"ten"}""", "SerializationException", "The value at 'maxRecords' is not of type integer (MaxRecords).")]
    public void A_request_is_refused_by_its_input_shape_in_AWS_words(string request, string errorType, string message)
    {
        using var document = JsonDocument.Parse(request);

        var error = Assert.Throws<AwsServiceException>(() => ShapeValidator.ValidateRequest(ServiceModels.CloudWatch.Operation("DescribeAlarms").Input, document.RootElement, "ValidationError", "MissingParameter"));

        Assert.Equal((errorType, message), (error.ErrorType, error.Message));
    }

    [Fact]
    public void A_missing_required_member_is_CloudWatch_MissingParameter_and_elsewhere_AWS_must_not_be_null()
    {
        using var document = JsonDocument.Parse("""{"Namespace":"N","MetricData":[{"Value":1}]}""");
        var input = ServiceModels.CloudWatch.Operation("PutMetricData").Input;

        var cloudWatch = Assert.Throws<AwsServiceException>(() => ShapeValidator.ValidateRequest(input, document.RootElement, "ValidationError", "MissingParameter"));
        var generic = Assert.Throws<AwsServiceException>(() => ShapeValidator.ValidateRequest(input, document.RootElement));

        Assert.Equal(("MissingParameter", "The parameter metricData.1.member.metricName is required."), (cloudWatch.ErrorType, cloudWatch.Message));
        Assert.Equal("1 validation error detected: Value null at 'metricData.1.member.metricName' failed to satisfy constraint: Member must not be null", generic.Message);
    }

    [Fact]
    public void The_query_codec_reads_lists_structures_numbers_and_ISO_timestamps_by_the_input_shape()
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Action"] = "PutMetricData", ["Namespace"] = "N", ["MetricData.member.1.MetricName"] = "M",
            ["MetricData.member.1.Dimensions.member.1.Name"] = "Service", ["MetricData.member.1.Dimensions.member.1.Value"] = "api",
            ["MetricData.member.1.Timestamp"] = "2026-11-26T11:58:10Z", ["MetricData.member.1.Values.member.1"] = "2",
            ["MetricData.member.1.Values.member.2"] = "4.5", ["MetricData.member.1.StorageResolution"] = "1", ["StrictEntityValidation"] = "true",
        };

        var request = Encoding.UTF8.GetString(QueryCodec.ReadRequest(ServiceModels.CloudWatch.Operation("PutMetricData").Input, form));

        Assert.Equal(
            """{"Namespace":"N","MetricData":[{"MetricName":"M","Dimensions":[{"Name":"Service","Value":"api"}],"Timestamp":1795694290,"Values":[2,4.5],"StorageResolution":1}],"StrictEntityValidation":true}""",
            request);
    }

    /// <summary>Datapoint.ExtendedStatistics is a map (entry/key/value), Timestamp an ISO 8601 time; members come in the model's order.</summary>
    [Fact]
    public void The_query_codec_writes_maps_lists_and_timestamps_by_the_output_shape()
    {
        var response = """{"Datapoints":[{"Timestamp":1795694340,"Sum":6,"ExtendedStatistics":{"p100":4}}],"Label":"Requests"}"""u8.ToArray();

        var xml = XDocument.Parse(QueryCodec.WriteResponse(ServiceModels.CloudWatch.Operation("GetMetricStatistics"), response, "urn:ns", "id-1"));

        XNamespace ns = "urn:ns";
        var result = xml.Root!.Element(ns + "GetMetricStatisticsResult")!;
        Assert.Equal(["Label", "Datapoints"], result.Elements().Select(e => e.Name.LocalName));
        var datapoint = result.Element(ns + "Datapoints")!.Element(ns + "member")!;
        Assert.Equal("2026-11-26T11:59:00.000Z", datapoint.Element(ns + "Timestamp")!.Value);
        Assert.Equal(("p100", "4"), (datapoint.Descendants(ns + "key").Single().Value, datapoint.Descendants(ns + "value").Single().Value));
        Assert.Equal("id-1", xml.Root.Element(ns + "ResponseMetadata")!.Element(ns + "RequestId")!.Value);
    }

    [Fact]
    public void The_CBOR_codec_tags_timestamp_shapes_and_writes_double_shapes_as_floats()
    {
        var cbor = CborCodec.WriteResponse(ServiceModels.CloudWatch.Operation("GetMetricData").Output, """{"MetricDataResults":[{"Id":"m","Timestamps":[1795694340],"Values":[6]}]}"""u8.ToArray());

        var reader = new System.Formats.Cbor.CborReader(cbor);
        reader.ReadStartMap();
        Assert.Equal("MetricDataResults", reader.ReadTextString());
        reader.ReadStartArray();
        reader.ReadStartMap();
        Assert.Equal(("Id", "m"), (reader.ReadTextString(), reader.ReadTextString()));
        Assert.Equal("Timestamps", reader.ReadTextString());
        reader.ReadStartArray();
        Assert.Equal(System.Formats.Cbor.CborTag.UnixTimeSeconds, reader.ReadTag());
        Assert.Equal(1795694340.0, reader.ReadDouble());
        reader.ReadEndArray();
        Assert.Equal("Values", reader.ReadTextString());
        reader.ReadStartArray();
        // A double shape is a CBOR float (major type 7, written at the shortest exact width), never an integer.
        Assert.Contains(reader.PeekState(), (System.Formats.Cbor.CborReaderState[])[System.Formats.Cbor.CborReaderState.HalfPrecisionFloat, System.Formats.Cbor.CborReaderState.SinglePrecisionFloat, System.Formats.Cbor.CborReaderState.DoublePrecisionFloat]);
        Assert.Equal(6.0, reader.ReadDouble());
    }

    /// <summary>The conformance check every API test runs under: a mistyped, missing, unknown or out-of-enum member fails.</summary>
    [Theory]
    [InlineData("""{"MetricAlarms":[{"AlarmName":"a","StateValue":"RED"}]}""", "'metricAlarms.1.member.stateValue'")]
    [InlineData("""{"MetricAlarms":[{"AlarmName":"a","Period":"60"}]}""", "'metricAlarms.1.member.period' is not of type integer")]
    [InlineData("""{"MetricAlarms":[{"AlarmName":"a","StateUpdatedTimestamp":"yesterday"}]}""", "'metricAlarms.1.member.stateUpdatedTimestamp' is not of type timestamp")]
    [InlineData("""{"MetricAlarms":[{"AlarmName":"a","Colour":"red"}]}""", "'metricAlarms.1.member.Colour' is not a member of MetricAlarm")]
    [InlineData("""{"CompositeAlarms":[{"AlarmName":"a"}],"NextToken":7}""", "'nextToken' is not of type string")]
    public void A_response_that_breaks_its_output_shape_is_an_internal_failure_naming_the_member(string response, string fault)
    {
        Assert.True(ResponseConformance.Enabled);

        var error = Assert.Throws<AwsServiceException>(() => ResponseConformance.Check(ServiceModels.CloudWatch, "DescribeAlarms", Encoding.UTF8.GetBytes(response)));
        Assert.Equal(("InternalFailure", 500), (error.ErrorType, error.StatusCode));
        Assert.Contains(fault, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_response_with_GetMetricStatistics_required_members_passes()
    {
        Assert.True(ResponseConformance.Enabled);
        ResponseConformance.Check(ServiceModels.CloudWatch, "GetMetricStatistics", """{"Label":"M","Datapoints":[{"Timestamp":1795694340,"Sum":6,"Unit":"Count"}]}"""u8.ToArray());
    }

    [GeneratedRegex(@"^\| (?<service>Kinesis|EventBridge|SQS|CloudWatch|Logs|SNS|X-Ray|Lambda) (?<operations>[A-Z][A-Za-z]+(?:, [A-Z][A-Za-z]+)*) \| yes", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}

using Paywatch.Core.Routing;

namespace Paywatch.Aws.EventBridge;

/// <summary>The detailed result of a publish: every entry not published (ascending by index) and the requests it took.</summary>
public sealed record PutEventsOutcome(IReadOnlyList<PutEventsFailure> Failures, int Requests)
{
    public PublishResult ToPublishResult() =>
        Failures.Count == 0 ? PublishResult.Success : new PublishResult([.. Failures.Select(f => f.Index)]);
}

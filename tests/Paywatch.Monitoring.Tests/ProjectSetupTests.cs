namespace Paywatch.Monitoring.Tests;

public sealed class ProjectSetupTests
{
    [Fact]
    public void The_saved_queries_are_copied_next_to_the_tests()
    {
        Assert.Equal(4, Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "config", "queries"), "*.query").Length);
    }
}

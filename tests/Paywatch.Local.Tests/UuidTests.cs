namespace Paywatch.Local.Tests;

public sealed class UuidTests
{
    /// <summary>RFC 9562, section 5.4: version 4 in the 13th hex digit, variant 10 in the two top bits of the 17th.</summary>
    [Fact]
    public void Ids_are_version_4_UUIDs_in_text_form_and_do_not_repeat()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => Uuid.NewString()).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(4, Guid.Parse(id).Version));
    }
}

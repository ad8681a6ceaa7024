using Milter.Protocol.Handling;
using Milter.Protocol.Session;

namespace Milter.Protocol.Tests.Session;

public class MilterHeaderChangeOrderTests
{
    [Test]
    public void Arrange_NoRepeatedDeletions_ReturnsTheSameList()
    {
        IReadOnlyList<HeaderChange> changes = [new HeaderChange.Delete("A", 1), new HeaderChange.Delete("B", 1), new HeaderChange.Add("A", "x")];

        Assert.That(MilterHeaderChangeOrder.Arrange(changes), Is.SameAs(changes));
    }

    [Test]
    public void Arrange_TwoGroups_SortsEachDescendingInItsOwnSlots()
    {
        HeaderChange[] changes =
        [
            new HeaderChange.Delete("A", 1), new HeaderChange.Delete("B", 2), new HeaderChange.Insert(0, "C", "x"),
            new HeaderChange.Delete("a", 3), new HeaderChange.Delete("B", 5), new HeaderChange.Delete("A", 2),
        ];

        var arranged = MilterHeaderChangeOrder.Arrange(changes);

        Assert.That(arranged, Is.EqualTo(new HeaderChange[]
        {
            new HeaderChange.Delete("a", 3), new HeaderChange.Delete("B", 5), new HeaderChange.Insert(0, "C", "x"),
            new HeaderChange.Delete("A", 2), new HeaderChange.Delete("B", 2), new HeaderChange.Delete("A", 1),
        }));
    }
}

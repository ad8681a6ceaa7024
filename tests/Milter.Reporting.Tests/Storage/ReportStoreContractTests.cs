using Milter.TestKit;
using System.Net;
using Milter.Reporting.Aggregate;
using Milter.Reporting.History;
using Milter.Reporting.Storage;
using NUnit.Framework;

namespace Milter.Reporting.Tests.Storage;

/// <summary>What every <see cref="IReportStore"/> must do, run against each store by a subclass.</summary>
public abstract class ReportStoreContractTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset DayEnd = Start.AddDays(1);

    private readonly List<IReportStore> _opened = [];
    private string _database = "";

    private protected ManualTimeProvider Time { get; private set; } = null!;

    private protected IReportStore Store { get; private set; } = null!;

    /// <summary>A new empty database; what <see cref="Open"/> takes to reach it.</summary>
    private protected abstract Task<string> CreateDatabaseAsync();

    /// <summary>A store on <paramref name="database"/>.</summary>
    private protected abstract IReportStore Open(string database, TimeProvider time);

    /// <summary>Removes what <see cref="CreateDatabaseAsync"/> made, after every store on it is disposed.</summary>
    private protected virtual void DeleteDatabase(string database)
    {
    }

    [SetUp]
    public async Task OpenStoreAsync()
    {
        Time = new ManualTimeProvider(Start);
        _database = await CreateDatabaseAsync();
        Store = OpenTracked();
        await Store.MigrateAsync(CancellationToken.None);
    }

    [TearDown]
    public async Task CloseStoresAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        _opened.Clear();
        DeleteDatabase(_database);
    }

    [Test]
    public async Task MigrateAsync_RunTwice_KeepsData()
    {
        await Store.AppendHistoryAsync([Entry(Start)], CancellationToken.None);

        await Store.MigrateAsync(CancellationToken.None);
        await OpenTracked().MigrateAsync(CancellationToken.None);

        var history = await Store.ReadHistoryAsync("example.com", Start, DayEnd, CancellationToken.None);
        Assert.That(history!.Records.Sum(r => r.Count), Is.EqualTo(1));
    }

    [Test]
    public async Task MigrateAsync_SeveralStoresAtOnceOnANewDatabase_AllSucceed()
    {
        var database = await CreateDatabaseAsync();
        try
        {
            var stores = Enumerable.Range(0, 4).Select(_ => Open(database, Time)).ToList();
            try
            {
                await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync(CancellationToken.None))));
                await stores[3].AppendHistoryAsync([Entry(Start)], CancellationToken.None);
                Assert.That(await stores[0].ReportedDomainsAsync(Start, DayEnd, CancellationToken.None), Is.EqualTo(new[] { "example.com" }));
            }
            finally
            {
                foreach (var store in stores)
                {
                    await store.DisposeAsync();
                }
            }
        }
        finally
        {
            DeleteDatabase(database);
        }
    }

    [Test]
    public async Task ReadHistoryAsync_IdenticalRows_GroupedWithTheirCount()
    {
        var full = Row("192.0.2.1") with
        {
            EnvelopeFrom = "",
            EnvelopeTo = "example.net",
            Evaluated = new PolicyEvaluated("none", "fail", "pass")
            {
                Reasons = [new PolicyOverrideReason("local_policy", "override file"), new PolicyOverrideReason("mailing_list", null)],
            },
            Dkim = [new DkimAuthResult("example.com", "s1", "pass") { HumanResult = "good \"sig\" <ok>" }, new DkimAuthResult("other.org", null, "fail")],
            Spf = [new SpfAuthResult("example.com", "mfrom", "pass"), new SpfAuthResult("mx.example.com", null, "none")],
        };
        await Store.AppendHistoryAsync(
        [
            Entry(Start, full), Entry(Start.AddHours(1), full), Entry(Start.AddHours(2), full),
            Entry(Start.AddHours(3), full with { Dkim = full.Dkim.Reverse().ToList() }),
            Entry(Start.AddHours(4), full with { EnvelopeTo = null }),
            Entry(Start.AddHours(5), full with { SourceIp = IPAddress.Parse("2001:db8::1") }),
        ], CancellationToken.None);

        var history = await Store.ReadHistoryAsync("example.com", Start, DayEnd, CancellationToken.None);

        Assert.That(history, Is.Not.Null);
        var records = history!.Records.Select(ReportText.Of).Order(StringComparer.Ordinal).ToList();
        var expected = new[]
        {
            full.WithCount(3),
            full with { Dkim = full.Dkim.Reverse().ToList() },
            full with { EnvelopeTo = null },
            full with { SourceIp = IPAddress.Parse("2001:db8::1") },
        }.Select(ReportText.Of).Order(StringComparer.Ordinal).ToList();
        Assert.That(records, Is.EqualTo(expected));
        Assert.That(history.PolicyDomain, Is.EqualTo("example.com"));
    }

    [Test]
    public async Task ReadHistoryAsync_PeriodIsHalfOpen()
    {
        await Store.AppendHistoryAsync(
        [
            Entry(Start.AddSeconds(-1)), Entry(Start), Entry(DayEnd.AddSeconds(-1)), Entry(DayEnd),
        ], CancellationToken.None);

        var history = await Store.ReadHistoryAsync("example.com", Start, DayEnd, CancellationToken.None);

        Assert.That(history!.Records.Sum(r => r.Count), Is.EqualTo(2));
    }

    [Test]
    public async Task ReadHistoryAsync_PolicyRecord_IsTheMostRecentInThePeriod()
    {
        await Store.AppendHistoryAsync(
        [
            Entry(Start.AddHours(5), record: "v=DMARC1; p=reject"),
            Entry(Start.AddHours(1), record: "v=DMARC1; p=none"),
            Entry(DayEnd.AddHours(1), record: "v=DMARC1; p=quarantine"),
        ], CancellationToken.None);

        var history = await Store.ReadHistoryAsync("example.com", Start, DayEnd, CancellationToken.None);

        Assert.That(history!.PolicyRecord, Is.EqualTo("v=DMARC1; p=reject"));
    }

    [Test]
    public async Task ReadHistoryAsync_DomainCase_IsIgnored()
    {
        await Store.AppendHistoryAsync([Entry(Start, domain: "Example.COM")], CancellationToken.None);

        var history = await Store.ReadHistoryAsync("EXAMPLE.com", Start, DayEnd, CancellationToken.None);

        Assert.That(history!.PolicyDomain, Is.EqualTo("example.com"));
    }

    [Test]
    public async Task ReadHistoryAsync_OnlyRowsWithoutRecord_ReturnsNull()
    {
        await Store.AppendHistoryAsync([Entry(Start, domain: "norecord.example", record: null)], CancellationToken.None);

        Assert.That(await Store.ReadHistoryAsync("norecord.example", Start, DayEnd, CancellationToken.None), Is.Null);
        Assert.That(await Store.ReadHistoryAsync("nothing.example", Start, DayEnd, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task ReportedDomainsAsync_ListsOnlyDomainsWithARecordInThePeriod()
    {
        await Store.AppendHistoryAsync(
        [
            Entry(Start, domain: "b.example"), Entry(Start, domain: "a.example"), Entry(Start.AddHours(1), domain: "a.example"),
            Entry(Start, domain: "norecord.example", record: null),
            Entry(DayEnd, domain: "later.example"),
        ], CancellationToken.None);

        var domains = await Store.ReportedDomainsAsync(Start, DayEnd, CancellationToken.None);

        Assert.That(domains, Is.EqualTo(new[] { "a.example", "b.example" }));
    }

    [Test]
    public async Task AppendHistoryAsync_EntryCountingNoMessages_IsRefusedAndNothingWritten()
    {
        var bad = Entry(Start, Row("192.0.2.9").WithCount(0));

        Assert.That(() => Store.AppendHistoryAsync([Entry(Start), bad], CancellationToken.None), Throws.ArgumentException);
        Assert.That(await Store.ReadHistoryAsync("example.com", Start, DayEnd, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task TryAcquireLeaseAsync_OtherHolderWhileValid_Refused()
    {
        Assert.That(await Store.TryAcquireLeaseAsync("send", "a", TimeSpan.FromMinutes(5), CancellationToken.None), Is.True);
        Time.Advance(TimeSpan.FromMinutes(4));

        Assert.That(await Store.TryAcquireLeaseAsync("send", "b", TimeSpan.FromMinutes(5), CancellationToken.None), Is.False);
        Assert.That(await Store.TryAcquireLeaseAsync("other", "b", TimeSpan.FromMinutes(5), CancellationToken.None), Is.True);
    }

    [Test]
    public async Task TryAcquireLeaseAsync_AfterExpiry_Granted()
    {
        await Store.TryAcquireLeaseAsync("send", "a", TimeSpan.FromMinutes(5), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(5));

        Assert.That(await Store.TryAcquireLeaseAsync("send", "b", TimeSpan.FromMinutes(5), CancellationToken.None), Is.True);
        Assert.That(await Store.TryAcquireLeaseAsync("send", "a", TimeSpan.FromMinutes(5), CancellationToken.None), Is.False);
    }

    [Test]
    public async Task TryAcquireLeaseAsync_SameHolder_RenewsPastTheFirstExpiry()
    {
        await Store.TryAcquireLeaseAsync("send", "a", TimeSpan.FromMinutes(5), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(4));

        Assert.That(await Store.TryAcquireLeaseAsync("send", "a", TimeSpan.FromMinutes(5), CancellationToken.None), Is.True);
        Time.Advance(TimeSpan.FromMinutes(4));
        Assert.That(await Store.TryAcquireLeaseAsync("send", "b", TimeSpan.FromMinutes(5), CancellationToken.None), Is.False);
    }

    [Test]
    public async Task ReleaseLeaseAsync_OnlyTheHolderReleases()
    {
        await Store.TryAcquireLeaseAsync("send", "a", TimeSpan.FromMinutes(5), CancellationToken.None);

        await Store.ReleaseLeaseAsync("send", "b", CancellationToken.None);
        Assert.That(await Store.TryAcquireLeaseAsync("send", "b", TimeSpan.FromMinutes(5), CancellationToken.None), Is.False);

        await Store.ReleaseLeaseAsync("send", "a", CancellationToken.None);
        Assert.That(await Store.TryAcquireLeaseAsync("send", "b", TimeSpan.FromMinutes(5), CancellationToken.None), Is.True);
    }

    [Test]
    public async Task TryAcquireLeaseAsync_TwoStoresOnOneDatabaseRacing_ExactlyOneHolderWins()
    {
        var other = OpenTracked();
        const int PerStore = 25;

        var attempts = Enumerable.Range(0, PerStore).SelectMany(_ => new[]
        {
            Task.Run(async () => (Holder: "a", Won: await Store.TryAcquireLeaseAsync("race", "a", TimeSpan.FromMinutes(5), CancellationToken.None))),
            Task.Run(async () => (Holder: "b", Won: await other.TryAcquireLeaseAsync("race", "b", TimeSpan.FromMinutes(5), CancellationToken.None))),
        });
        var results = await Task.WhenAll(attempts);

        var winners = results.Where(r => r.Won).Select(r => r.Holder).Distinct().ToList();
        Assert.That(winners, Has.Count.EqualTo(1));
        var loser = winners[0] == "a" ? "b" : "a";
        Assert.That(results.Where(r => r.Holder == loser).Select(r => r.Won), Is.All.False);
        Assert.That(results.Where(r => r.Holder == winners[0]).Select(r => r.Won), Is.All.True);
    }

    [Test]
    public async Task SaveDeliveryAsync_SameKey_Replaces()
    {
        var pending = new ReportDelivery("example.com", Start, DayEnd, "mailto:dmarc@example.com", "r1", ReportDeliveryStatus.Pending)
        {
            Attempts = 1,
            LastError = "451 try later",
            LastAttempt = DayEnd.AddMinutes(5),
            Size = 1234,
        };
        await Store.SaveDeliveryAsync(pending, CancellationToken.None);
        var sent = pending with { Status = ReportDeliveryStatus.Sent, Attempts = 2, LastError = null, LastAttempt = DayEnd.AddHours(1) };

        await Store.SaveDeliveryAsync(sent, CancellationToken.None);

        Assert.That(await Store.FindDeliveryAsync("example.com", Start, "mailto:dmarc@example.com", CancellationToken.None), Is.EqualTo(sent));
        Assert.That(await Store.DeliveriesAsync(Start, CancellationToken.None), Is.EqualTo(new[] { sent }));
    }

    [Test]
    public async Task FindDeliveryAsync_NoneRecorded_ReturnsNull()
    {
        await Store.SaveDeliveryAsync(new ReportDelivery("example.com", Start, DayEnd, "mailto:a@example.com", "r1", ReportDeliveryStatus.Skipped), CancellationToken.None);

        Assert.That(await Store.FindDeliveryAsync("example.com", Start, "mailto:b@example.com", CancellationToken.None), Is.Null);
        Assert.That(await Store.FindDeliveryAsync("example.com", DayEnd, "mailto:a@example.com", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task DeliveriesAsync_PeriodsSince_NewestFirst()
    {
        ReportDelivery Delivery(DateTimeOffset begin, string destination) =>
            new("example.com", begin, begin.AddDays(1), destination, "id-" + begin.ToUnixTimeSeconds(), ReportDeliveryStatus.Pending);
        var old = Delivery(Start.AddDays(-1), "mailto:a@example.com");
        var first = Delivery(Start, "mailto:a@example.com");
        var second = Delivery(Start, "mailto:b@example.com");
        var newest = Delivery(DayEnd, "mailto:a@example.com");
        foreach (var delivery in new[] { first, newest, old, second })
        {
            await Store.SaveDeliveryAsync(delivery, CancellationToken.None);
        }

        Assert.That(await Store.DeliveriesAsync(Start, CancellationToken.None), Is.EqualTo(new[] { newest, first, second }));
    }

    [Test]
    public async Task AddIncomingReportAsync_RoundTripsEveryValue()
    {
        var report = IncomingReport("google.com", "r-1", "example.com");

        Assert.That(await Store.AddIncomingReportAsync(report, DayEnd, CancellationToken.None), Is.True);

        var stored = await Store.IncomingReportsAsync("example.com", Start, CancellationToken.None);
        Assert.That(stored.Select(ReportText.Of), Is.EqualTo(new[] { ReportText.Of(report) }));
    }

    [Test]
    public async Task AddIncomingReportAsync_SameReporterIdAndDomain_StoredOnce()
    {
        await Store.AddIncomingReportAsync(IncomingReport("google.com", "r-1", "example.com"), DayEnd, CancellationToken.None);

        Assert.That(await Store.AddIncomingReportAsync(IncomingReport("google.com", "r-1", "example.com") with { Version = null }, DayEnd, CancellationToken.None), Is.False);
        Assert.That(await Store.AddIncomingReportAsync(IncomingReport("yahoo.com", "r-1", "example.com"), DayEnd, CancellationToken.None), Is.True);
        Assert.That(await Store.AddIncomingReportAsync(IncomingReport("google.com", "r-1", "example.org"), DayEnd, CancellationToken.None), Is.True);
        var all = await Store.IncomingReportsAsync(null, Start, CancellationToken.None);
        Assert.That(all, Has.Count.EqualTo(3));
        Assert.That(all.Count(r => r.Metadata.OrgName == "google.com" && r.Policy.Domain == "example.com" && r.Version == "1.0"), Is.EqualTo(1));
    }

    [Test]
    public async Task IncomingReportsAsync_FiltersByDomainAndPeriodEnd_OldestFirst()
    {
        var older = IncomingReport("a.org", "1", "example.com", Start.AddDays(-1));
        var newer = IncomingReport("b.org", "2", "example.com", Start);
        var gone = IncomingReport("c.org", "3", "example.com", Start.AddDays(-3));
        var elsewhere = IncomingReport("d.org", "4", "example.org", Start);
        foreach (var report in new[] { newer, gone, elsewhere, older })
        {
            await Store.AddIncomingReportAsync(report, DayEnd, CancellationToken.None);
        }

        // The older report's period ends one second before Start; the one before it ended two days earlier.
        var found = await Store.IncomingReportsAsync("example.com", Start.AddSeconds(-1), CancellationToken.None);

        Assert.That(found.Select(r => r.Metadata.ReportId), Is.EqualTo(new[] { "1", "2" }));
    }

    [Test]
    public async Task PurgeAsync_RemovesOnlyRowsOlderThanTheCutOff()
    {
        await Store.AppendHistoryAsync([Entry(Start.AddDays(-2)), Entry(Start.AddSeconds(-1)), Entry(Start)], CancellationToken.None);
        await Store.SaveDeliveryAsync(new ReportDelivery("example.com", Start.AddDays(-2), Start.AddDays(-1), "mailto:a@example.com", "old", ReportDeliveryStatus.Sent), CancellationToken.None);
        await Store.SaveDeliveryAsync(new ReportDelivery("example.com", Start, DayEnd, "mailto:a@example.com", "new", ReportDeliveryStatus.Sent), CancellationToken.None);
        await Store.AddIncomingReportAsync(IncomingReport("a.org", "old", "example.com", Start.AddDays(-2)), Start, CancellationToken.None);
        await Store.AddIncomingReportAsync(IncomingReport("a.org", "new", "example.com", Start), DayEnd, CancellationToken.None);

        var removed = await Store.PurgeAsync(Start, CancellationToken.None);

        Assert.That(removed, Is.EqualTo(4));
        Assert.That((await Store.ReadHistoryAsync("example.com", Start.AddDays(-3), DayEnd, CancellationToken.None))!.Records.Sum(r => r.Count), Is.EqualTo(1));
        Assert.That((await Store.DeliveriesAsync(Start.AddDays(-3), CancellationToken.None)).Select(d => d.ReportId), Is.EqualTo(new[] { "new" }));
        Assert.That((await Store.IncomingReportsAsync(null, Start.AddDays(-3), CancellationToken.None)).Select(r => r.Metadata.ReportId), Is.EqualTo(new[] { "new" }));
    }

    private IReportStore OpenTracked()
    {
        var store = Open(_database, Time);
        _opened.Add(store);
        return store;
    }

    private static ReportRecord Row(string ip) =>
        new(IPAddress.Parse(ip), 1, new PolicyEvaluated("none", "pass", "fail"), "example.com");

    private static HistoryEntry Entry(DateTimeOffset received, ReportRecord? row = null, string domain = "example.com", string? record = "v=DMARC1; p=none") =>
        new(received, domain, record, row ?? Row("192.0.2.1"));

    private static AggregateReport IncomingReport(string org, string id, string domain, DateTimeOffset? begin = null)
    {
        var from = begin ?? Start;
        var metadata = new ReportMetadata(org, "noreply-dmarc@" + org, id, from.ToOffset(TimeSpan.FromHours(2)), from.AddDays(1).AddSeconds(-1))
        {
            ExtraContactInfo = "https://" + org + "/dmarc",
            Errors = ["record 3 had an unparsable source_ip", "second error"],
            Generator = "reporter 2.1",
        };
        var policy = new PolicyPublished(domain) { P = "reject", Sp = "quarantine", Np = "reject", Adkim = "s", Aspf = "r", Fo = "1", Testing = "n", DiscoveryMethod = "treewalk", Pct = 50 };
        var records = new[]
        {
            new ReportRecord(IPAddress.Parse("198.51.100.7"), 12, new PolicyEvaluated("reject", "fail", "fail")
            {
                Reasons = [new PolicyOverrideReason("trusted_forwarder", "arc"), new PolicyOverrideReason("other", null)],
            }, domain)
            {
                EnvelopeFrom = "bounce." + domain,
                EnvelopeTo = "example.net",
                Dkim = [new DkimAuthResult(domain, "sel", "fail") { HumanResult = "body hash" }, new DkimAuthResult("esp.example", null, "pass")],
                Spf = [new SpfAuthResult("bounce." + domain, "mfrom", "softfail")],
            },
            new ReportRecord(IPAddress.Parse("2001:db8::25"), 1, new PolicyEvaluated("none", "pass", "pass"), domain),
        };
        return new AggregateReport(metadata, policy, records) { Version = "1.0" };
    }
}

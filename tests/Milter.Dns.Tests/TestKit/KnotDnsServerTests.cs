using System.Net;
using Milter.TestKit.Dns;

namespace Milter.Dns.Tests.TestKit;

/// <summary>The knotd fixture itself: the DNS integration tests of every project rely on it.</summary>
public class KnotDnsServerTests
{
    [Test]
    public async Task StartAsync_Zone_ServesItUntilDisposed()
    {
        var server = await KnotDnsServer.StartAsync([new DnsTestZone("fixture.test.", "www A 192.0.2.7")]);
        var resolver = new DnsClientResolver(new DnsOptions { Nameservers = { server.EndPoint }, Timeout = TimeSpan.FromMilliseconds(300), Retries = 0 });

        var served = await resolver.QueryAAsync("www.fixture.test", CancellationToken.None);
        server.Dispose();
        var afterDispose = await resolver.QueryAAsync("www.fixture.test", CancellationToken.None);

        Assert.That(server.EndPoint.Address, Is.EqualTo(IPAddress.Loopback));
        Assert.That(served.Records, Is.EqualTo(new[] { IPAddress.Parse("192.0.2.7") }));
        Assert.That(server.Log, Does.Contain("[fixture.test.] loaded"));
        Assert.That(afterDispose.Status, Is.EqualTo(DnsStatus.TemporaryError));
    }

    [Test]
    public void StartAsync_ZoneThatDoesNotParse_ThrowsWithKnotdsReason()
    {
        var broken = new DnsTestZone("broken.test", "www A not-an-address");

        Assert.That(async () => await KnotDnsServer.StartAsync([broken]),
            Throws.InvalidOperationException.With.Message.Contains("knotd log:").And.Message.Contains("broken.test.zone"));
    }

    [Test]
    public void StartAsync_NoZones_Throws()
    {
        Assert.That(async () => await KnotDnsServer.StartAsync([]), Throws.ArgumentException);
    }

    [Test]
    public void StartAsync_SameOriginTwice_Throws()
    {
        var zones = new[] { new DnsTestZone("twice.test", "a A 192.0.2.1"), new DnsTestZone("Twice.test.", "b A 192.0.2.2") };

        Assert.That(async () => await KnotDnsServer.StartAsync(zones), Throws.ArgumentException.With.Message.Contains("twice.test"));
    }
}

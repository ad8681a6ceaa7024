using System.Net;

namespace Milter.Dns.Tests;

public class DnsOptionsTests
{
    [Test]
    public void Constructor_Defaults_AreTheDocumentedOnes()
    {
        var options = new DnsOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.Nameservers, Is.Empty);
            Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(options.Retries, Is.EqualTo(2));
            Assert.That(options.CacheMinTtl, Is.EqualTo(TimeSpan.Zero));
            Assert.That(options.CacheMaxTtl, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(options.CacheMaxEntries, Is.EqualTo(10_000));
            Assert.That(DnsOptions.DefaultPort, Is.EqualTo(53));
            Assert.That(DnsOptions.MaxTimeout, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(DnsOptions.MaxRetries, Is.EqualTo(10));
            Assert.That(DnsOptions.MaxCacheTtl, Is.EqualTo(TimeSpan.FromDays(7)));
        });
    }

    [Test]
    public void Timeout_AtLimits_Accepted()
    {
        var options = new DnsOptions { Timeout = TimeSpan.FromTicks(1) };
        options.Timeout = DnsOptions.MaxTimeout;

        Assert.That(options.Timeout, Is.EqualTo(DnsOptions.MaxTimeout));
    }

    [Test]
    public void Timeout_ZeroOrOverMax_Throws()
    {
        var options = new DnsOptions();

        Assert.That(() => options.Timeout = TimeSpan.Zero, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.Timeout = DnsOptions.MaxTimeout + TimeSpan.FromTicks(1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public void Retries_Limits_AcceptedAndOneBeyondThrows()
    {
        var options = new DnsOptions { Retries = 0 };
        options.Retries = DnsOptions.MaxRetries;

        Assert.That(() => options.Retries = -1, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.Retries = DnsOptions.MaxRetries + 1, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(options.Retries, Is.EqualTo(DnsOptions.MaxRetries));
    }

    [Test]
    public void CacheTtls_Limits_AcceptedAndOneBeyondThrows()
    {
        var options = new DnsOptions { CacheMinTtl = TimeSpan.Zero, CacheMaxTtl = TimeSpan.Zero };
        options.CacheMaxTtl = DnsOptions.MaxCacheTtl;
        options.CacheMinTtl = DnsOptions.MaxCacheTtl;

        Assert.That(() => options.CacheMinTtl = TimeSpan.FromTicks(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.CacheMaxTtl = TimeSpan.FromTicks(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.CacheMinTtl = DnsOptions.MaxCacheTtl + TimeSpan.FromTicks(1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => options.CacheMaxTtl = DnsOptions.MaxCacheTtl + TimeSpan.FromTicks(1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void CacheMaxEntries_OneAcceptedZeroThrows()
    {
        var options = new DnsOptions { CacheMaxEntries = 1 };

        Assert.That(() => options.CacheMaxEntries = 0, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(options.CacheMaxEntries, Is.EqualTo(1));
    }

    [Test]
    public void Validate_Defaults_Passes()
    {
        Assert.That(() => new DnsOptions().Validate(), Throws.Nothing);
    }

    [Test]
    public void Validate_MinTtlEqualToMaxTtl_Passes()
    {
        var options = new DnsOptions { CacheMinTtl = TimeSpan.FromMinutes(5), CacheMaxTtl = TimeSpan.FromMinutes(5) };

        Assert.That(options.Validate, Throws.Nothing);
    }

    [Test]
    public void Validate_MinTtlOverMaxTtl_ThrowsNamingBothKeys()
    {
        var options = new DnsOptions { CacheMinTtl = TimeSpan.FromMinutes(5) + TimeSpan.FromTicks(1), CacheMaxTtl = TimeSpan.FromMinutes(5) };

        Assert.That(options.Validate, Throws.ArgumentException.With.Message.Contains("DnsCacheMinTtl").And.Message.Contains("DnsCacheMaxTtl"));
    }

    [Test]
    public void Validate_NameserverWithPortZero_Throws()
    {
        var options = new DnsOptions { Nameservers = { new IPEndPoint(IPAddress.Loopback, 0) } };

        Assert.That(options.Validate, Throws.ArgumentException.With.Message.Contains("port 0"));
    }

    [Test]
    public void Validate_NullNameserver_Throws()
    {
        var options = new DnsOptions { Nameservers = { null! } };

        Assert.That(options.Validate, Throws.ArgumentException.With.Message.Contains("null"));
    }

    [TestCase("192.0.2.1", "192.0.2.1", 53)]
    [TestCase("192.0.2.1:5353", "192.0.2.1", 5353)]
    [TestCase(" 192.0.2.1:1 ", "192.0.2.1", 1)]
    [TestCase("255.255.255.255:65535", "255.255.255.255", 65535)]
    [TestCase("2001:db8::1", "2001:db8::1", 53)]
    [TestCase("::1", "::1", 53)]
    [TestCase("[::1]", "::1", 53)]
    [TestCase("[2001:db8::53]:5353", "2001:db8::53", 5353)]
    [TestCase("[::ffff:192.0.2.1]:53", "::ffff:192.0.2.1", 53)]
    public void ParseNameserver_ValidForm_ReturnsEndPoint(string text, string address, int port)
    {
        Assert.That(DnsOptions.ParseNameserver(text), Is.EqualTo(new IPEndPoint(IPAddress.Parse(address), port)));
    }

    [TestCase("", "is not an IP address")]
    [TestCase("ns.example.test", "'ns.example.test' is not an IP address")]
    [TestCase("ns.example.test:53", "'ns.example.test' is not an IP address")]
    [TestCase("10.1", "'10.1' is not an IP address")]
    [TestCase("12345", "'12345' is not an IP address")]
    [TestCase("192.0.2.256", "'192.0.2.256' is not an IP address")]
    [TestCase("192.0.2.1.5", "'192.0.2.1.5' is not an IP address")]
    [TestCase("192.0.2.-1", "'192.0.2.-1' is not an IP address")]
    [TestCase("192.0.2.1:0", "port '0' is not a number from 1 to 65535")]
    [TestCase("192.0.2.1:65536", "port '65536' is not a number from 1 to 65535")]
    [TestCase("192.0.2.1:", "port '' is not a number from 1 to 65535")]
    [TestCase("192.0.2.1:+53", "port '+53' is not a number from 1 to 65535")]
    [TestCase("192.0.2.1:dns", "port 'dns' is not a number from 1 to 65535")]
    [TestCase("[::1", "'[' without a closing ']'")]
    [TestCase("[::1]53", "expected ':port' after ']', found '53'")]
    [TestCase("[::1]:", "port '' is not a number from 1 to 65535")]
    [TestCase("[192.0.2.1]:53", "'192.0.2.1' in brackets is not an IPv6 address")]
    [TestCase("[ns.example.test]:53", "'ns.example.test' in brackets is not an IPv6 address")]
    [TestCase("192.0.2.1:53:53", "is not an IPv6 address (write an IPv6 address with a port as [address]:port)")]
    [TestCase("2001:db8::g", "is not an IPv6 address")]
    public void ParseNameserver_InvalidForm_ThrowsFormatExceptionSayingWhy(string text, string reason)
    {
        Assert.That(() => DnsOptions.ParseNameserver(text),
            Throws.InstanceOf<FormatException>().With.Message.StartsWith($"Nameserver '{text}'").And.Message.Contains(reason));
    }
}

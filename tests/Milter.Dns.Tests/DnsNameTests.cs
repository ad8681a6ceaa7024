using System.Net;

namespace Milter.Dns.Tests;

public class DnsNameTests
{
    [TestCase("192.0.2.1", "1.2.0.192.in-addr.arpa")]
    [TestCase("::ffff:192.0.2.1", "1.2.0.192.in-addr.arpa")]
    [TestCase("2001:db8::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")]
    public void ReverseName_Address_IsTheArpaName(string address, string expected)
    {
        Assert.That(DnsName.ReverseName(IPAddress.Parse(address)), Is.EqualTo(expected));
    }

    [TestCase("example.test")]
    [TestCase("example.test.")]
    [TestCase("_spf.example.test")]
    [TestCase("xn--bcher-kva.example")]
    [TestCase("bücher.example")]
    public void FindSyntaxError_ValidName_ReturnsNull(string name)
    {
        Assert.That(DnsName.FindSyntaxError(name), Is.Null);
    }

    [Test]
    public void FindSyntaxError_LabelAtLimit_ReturnsNull()
    {
        Assert.That(DnsName.FindSyntaxError(new string('a', 63) + ".test"), Is.Null);
    }

    [Test]
    public void FindSyntaxError_LabelOverLimit_SaysSo()
    {
        Assert.That(DnsName.FindSyntaxError(new string('a', 64) + ".test"), Does.Contain("is 64 octets long, over the limit of 63"));
    }

    [Test]
    public void FindSyntaxError_NameAtLimit_ReturnsNull()
    {
        Assert.That(DnsName.FindSyntaxError(NameOfLength(253)), Is.Null);
        Assert.That(DnsName.FindSyntaxError(NameOfLength(253) + "."), Is.Null);
    }

    [Test]
    public void FindSyntaxError_NameOverLimit_SaysSo()
    {
        Assert.That(DnsName.FindSyntaxError(NameOfLength(254)), Is.EqualTo("name is 254 octets long, over the limit of 253"));
    }

    [Test]
    public void FindSyntaxError_NonAsciiLabelOverLimitInPunycode_SaysSo()
    {
        // 60 characters, but "xn--" and the encoding of the ü take it over 63 octets on the wire.
        var name = "ü" + new string('a', 59) + ".example";

        Assert.That(DnsName.FindSyntaxError(name), Does.StartWith("not a valid internationalized name").And.Contain("63"));
    }

    [TestCase("", "empty name")]
    [TestCase(".", "empty name")]
    [TestCase("a..test", "empty label")]
    [TestCase(".test", "empty label")]
    [TestCase("test..", "empty label")]
    public void FindSyntaxError_EmptyParts_SaysWhich(string name, string expected)
    {
        Assert.That(DnsName.FindSyntaxError(name), Is.EqualTo(expected));
    }

    // Labels of 63 octets and dots, ending with a shorter label, exactly `length` octets in all.
    internal static string NameOfLength(int length)
    {
        var labels = new List<string>();
        var remaining = length;
        while (remaining > 64)
        {
            labels.Add(new string('a', 63));
            remaining -= 64;
        }

        labels.Add(new string('b', remaining));
        return string.Join('.', labels);
    }
}

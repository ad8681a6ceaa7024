using System.Net;
using System.Text;
using Milter.IntegrationTests.Support;

namespace Milter.IntegrationTests.Dmarc;

/// <summary>What the DMARC fixtures share: their milter.conf and their test message.</summary>
internal static class DmarcMail
{
    /// <summary>
    /// DMARC enforced under authserv-id <c>mx.test</c>, resolving through <paramref name="nameserver"/>, without iprev,
    /// ARC and the HELO identity so Authentication-Results holds only spf, dkim and dmarc; then <paramref name="settings"/>.
    /// </summary>
    public static string[] Config(IPEndPoint nameserver, params string[] settings) =>
    [
        "AuthservId mx.test",
        $"Nameservers {nameserver}",
        "DmarcMode enforce",
        "IprevCheck no",
        "ArcVerify no",
        "SpfIgnoreHelo yes",
        .. settings,
    ];

    /// <summary>An unsigned message from <paramref name="from"/> (the From field's value), with CRLF line ends.</summary>
    public static byte[] Message(string from, string subject) => Encoding.ASCII.GetBytes(
        $"From: {from}\r\n" +
        $"To: {TestMessages.Recipient}\r\n" +
        $"Subject: {subject}\r\n" +
        "Date: Tue, 12 Nov 2024 09:14:02 +0100\r\n" +
        $"Message-ID: <{Guid.NewGuid():N}@dmarc.test>\r\n" +
        "\r\n" +
        $"Body of '{subject}'.\r\n");
}

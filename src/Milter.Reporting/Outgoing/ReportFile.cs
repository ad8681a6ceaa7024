using System.Globalization;
using System.IO.Compression;

namespace Milter.Reporting.Outgoing;

/// <summary>The attachment of an aggregate report mail: its file name and gzip compression (the email transport of RFC 9990).</summary>
public static class ReportFile
{
    /// <summary>The media type of the compressed report.</summary>
    public const string MediaType = "application/gzip";

    /// <summary>
    /// <c>receiver!policy-domain!begin-timestamp!end-timestamp.xml.gz</c>, the timestamps in seconds since the epoch.
    /// The optional unique-id is left out: one receiver sends one report per domain and period.
    /// </summary>
    /// <exception cref="ArgumentException">A domain is empty or holds a character that cannot be part of a domain in a file name.</exception>
    public static string FileName(string receiverDomain, string policyDomain, ReportPeriod period)
    {
        CheckDomain(receiverDomain, nameof(receiverDomain));
        CheckDomain(policyDomain, nameof(policyDomain));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{receiverDomain.ToLowerInvariant()}!{policyDomain.ToLowerInvariant()}!{period.Begin.ToUnixTimeSeconds()}!{period.End.ToUnixTimeSeconds()}.xml.gz");
    }

    /// <summary>Compresses the report XML with gzip.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> xml)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(xml);
        }

        return output.ToArray();
    }

    private static void CheckDomain(string domain, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain, parameter);
        if (!domain.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            throw new ArgumentException($"'{domain}' is not a domain name.", parameter);
        }
    }
}

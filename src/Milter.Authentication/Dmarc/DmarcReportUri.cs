namespace Milter.Authentication.Dmarc;

/// <summary>One reporting URI of a <c>rua</c> or <c>ruf</c> tag (RFC 9989 section 4.6).</summary>
/// <param name="Uri">The URI, e.g. <c>mailto:reports@example.com</c>, without a size suffix.</param>
/// <param name="MaxSize">
/// The maximum report size in bytes from the RFC 7489 suffix (<c>!10m</c> = 10 × 2^20; k, m, g, t are powers of
/// 1,024), or null when there is none. RFC 9989 made the suffix obsolete (obs-dmarc-report-size): reporters should
/// ignore it, so it is kept for information only.
/// </param>
public sealed record DmarcReportUri(Uri Uri, long? MaxSize);

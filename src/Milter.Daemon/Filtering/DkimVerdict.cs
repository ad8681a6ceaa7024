using Milter.Authentication.Dkim;
using Milter.Authentication.Results;

namespace Milter.Daemon.Filtering;

/// <summary>The DKIM results of one message, one per signature; none for an unsigned message.</summary>
/// <param name="Signatures">The per-signature results in header order.</param>
internal sealed record DkimVerdict(IReadOnlyList<DkimSignatureResult> Signatures)
{
    /// <summary>The dkim= entries for Authentication-Results (RFC 8601 section 2.7.1, header.b from RFC 6008).</summary>
    public IEnumerable<AuthenticationMethodResult> MethodResults()
    {
        if (Signatures.Count == 0)
        {
            yield return new AuthenticationMethodResult("dkim", "none", null, []);
            yield break;
        }

        foreach (var signature in Signatures)
        {
            var properties = new List<KeyValuePair<string, string>>(6);
            Add(properties, "header.d", signature.Domain);
            Add(properties, "header.i", signature.Identity);
            Add(properties, "header.s", signature.Selector);
            Add(properties, "header.a", signature.Algorithm);
            Add(properties, "header.b", signature.SignaturePrefix);
            // A pass under l= covers only part of the body; readers of the header should see that, as they should a test key.
            var notes = signature.Result == DkimResult.Pass
                ? new[] { signature.Testing ? "test key" : null, signature.BodyLength is { } length ? $"l={length}" : null }.Where(n => n is not null)
                : [signature.Reason];
            var comment = string.Join("; ", notes) is { Length: > 0 } text ? text : null;
            yield return new AuthenticationMethodResult("dkim", Keyword(signature.Result), comment, properties);
        }
    }

    /// <summary>The short form for the per-message log line, e.g. <c>dkim=pass:example.com,fail:other.example</c>.</summary>
    public string Summary() => Signatures.Count == 0
        ? "dkim=none"
        : "dkim=" + string.Join(',', Signatures.Select(s => $"{Keyword(s.Result)}:{s.Domain ?? "?"}"));

    /// <summary>The RFC 8601 keyword of a result.</summary>
    public static string Keyword(DkimResult result) => result.ToString().ToLowerInvariant();

    private static void Add(List<KeyValuePair<string, string>> properties, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            properties.Add(new(name, value));
        }
    }
}

using System.Globalization;
using System.Text;
using MimeKit.Cryptography;

namespace Milter.Authentication.Dkim;

/// <summary>
/// One DKIM-Signature field read and checked against RFC 6376 sections 3.5 and 6.1.1. The reported tags
/// (d, s, a, i, b, l) are filled as far as they could be read, so a malformed signature is still reported
/// with them; the rest is meaningful only when <see cref="Problem"/> is null.
/// </summary>
internal sealed class DkimSignature
{
    private DkimSignature()
    {
    }

    /// <summary>Why the signature is a permerror, or null when it is well formed.</summary>
    public string? Problem { get; private set; }

    public string? Domain { get; private set; }
    public string? Selector { get; private set; }
    public string? AlgorithmName { get; private set; }
    public string? Identity { get; private set; }
    public string? SignaturePrefix { get; private set; }
    public int? BodyLength { get; private set; }

    public DkimSignatureAlgorithm Algorithm { get; private set; }
    public DkimCanonicalizationAlgorithm HeaderCanonicalization { get; private set; }
    public DkimCanonicalizationAlgorithm BodyCanonicalization { get; private set; }
    public string[] SignedHeaders { get; private set; } = [];
    public string BodyHash { get; private set; } = "";
    public string Signature { get; private set; } = "";

    /// <summary>The domain part of the identity (i=), which a <c>t=s</c> key requires to equal <see cref="Domain"/>.</summary>
    public string IdentityDomain { get; private set; } = "";

    /// <summary>The <c>x=</c> expiry, or null when the signature does not expire.</summary>
    public DateTimeOffset? Expiration { get; private set; }

    /// <summary>The hash of <see cref="Algorithm"/> as key records' <c>h=</c> names it.</summary>
    public string HashName => Algorithm == DkimSignatureAlgorithm.RsaSha1 ? "sha1" : "sha256";

    /// <summary>The key type (key record <c>k=</c>) that <see cref="Algorithm"/> needs.</summary>
    public string KeyType => Algorithm == DkimSignatureAlgorithm.Ed25519Sha256 ? "ed25519" : "rsa";

    /// <summary>Reads the value of a DKIM-Signature field (folded, as received). Never throws: problems land in <see cref="Problem"/>.</summary>
    public static DkimSignature Parse(string value)
    {
        var signature = new DkimSignature();
        if (!DkimTagList.TryParse(value, out var tags, out var error))
        {
            signature.Problem = "signature syntax: " + error;
            return signature;
        }

        signature.Problem = signature.Read(tags);
        return signature;
    }

    // Reported tags first, so that every later problem is reported with them.
    private string? Read(DkimTagList tags)
    {
        Domain = tags["d"];
        Selector = tags["s"];
        AlgorithmName = tags["a"];
        var b = tags["b"];
        SignaturePrefix = b is null ? null : b[..Math.Min(8, b.Length)];
        var identity = tags["i"];
        if (identity is not null)
        {
            if (!TryDecodeQuotedPrintable(identity, out var decoded))
            {
                return $"i={identity} is not valid dkim-quoted-printable";
            }

            identity = decoded;
        }
        else if (!string.IsNullOrEmpty(Domain))
        {
            identity = "@" + Domain;
        }

        Identity = identity;
        var length = tags["l"];
        if (length is not null)
        {
            if (!TryParseDigits(length, 76, out var l) || l > int.MaxValue)
            {
                return $"l={length} is not a body length";
            }

            BodyLength = (int)l;
        }

        return Validate(tags, b, identity);
    }

    private string? Validate(DkimTagList tags, string? b, string? identity)
    {
        var version = tags["v"];
        if (version is null)
        {
            return "signature has no v= tag";
        }

        if (version != "1")
        {
            return $"unsupported signature version v={version}";
        }

        switch (AlgorithmName?.ToLowerInvariant())
        {
            case null: return "signature has no a= tag";
            case "rsa-sha256": Algorithm = DkimSignatureAlgorithm.RsaSha256; break;
            case "ed25519-sha256": Algorithm = DkimSignatureAlgorithm.Ed25519Sha256; break;
            case "rsa-sha1": Algorithm = DkimSignatureAlgorithm.RsaSha1; break;
            default: return $"unsupported algorithm a={AlgorithmName}";
        }

        if (string.IsNullOrEmpty(b) || !IsBase64(b))
        {
            return b is null ? "signature has no b= tag" : "b= is empty or not base64";
        }

        Signature = b;
        var bodyHash = tags["bh"];
        if (string.IsNullOrEmpty(bodyHash) || !IsBase64(bodyHash))
        {
            return bodyHash is null ? "signature has no bh= tag" : "bh= is empty or not base64";
        }

        BodyHash = bodyHash;
        if (string.IsNullOrEmpty(Domain))
        {
            return "signature has no d= tag, or an empty one";
        }

        if (string.IsNullOrEmpty(Selector))
        {
            return "signature has no s= tag, or an empty one";
        }

        if (ReadCanonicalization(tags["c"]) is { } canonicalizationProblem)
        {
            return canonicalizationProblem;
        }

        var headers = tags["h"];
        if (string.IsNullOrEmpty(headers))
        {
            return "signature has no h= tag, or an empty one";
        }

        SignedHeaders = headers.Split(':');
        if (Array.Exists(SignedHeaders, name => name.Length == 0))
        {
            return $"h={headers} has an empty header name";
        }

        if (!Array.Exists(SignedHeaders, name => name.Equals("from", StringComparison.OrdinalIgnoreCase)))
        {
            return "From is not among the signed header fields (h=)";
        }

        var at = identity!.LastIndexOf('@');
        if (at < 0)
        {
            return $"i={identity} has no '@'";
        }

        IdentityDomain = identity[(at + 1)..];
        if (!IdentityDomain.Equals(Domain, StringComparison.OrdinalIgnoreCase)
            && !IdentityDomain.EndsWith("." + Domain, StringComparison.OrdinalIgnoreCase))
        {
            return $"i= domain {IdentityDomain} is not d={Domain} or a subdomain of it";
        }

        var query = tags["q"];
        if (query is not null && !Array.Exists(query.Split(':'), method => method.Equals("dns/txt", StringComparison.OrdinalIgnoreCase)))
        {
            return $"unsupported query method q={query}";
        }

        return ReadTimes(tags["t"], tags["x"]);
    }

    private string? ReadCanonicalization(string? canonicalization)
    {
        // Without c= both are simple; "c=relaxed" alone leaves the body simple (RFC 6376 section 3.5).
        HeaderCanonicalization = DkimCanonicalizationAlgorithm.Simple;
        BodyCanonicalization = DkimCanonicalizationAlgorithm.Simple;
        if (canonicalization is null)
        {
            return null;
        }

        var parts = canonicalization.Split('/');
        if (parts.Length > 2 || !TryCanonicalization(parts[0], out var header))
        {
            return $"unsupported canonicalization c={canonicalization}";
        }

        HeaderCanonicalization = header;
        if (parts.Length == 2)
        {
            if (!TryCanonicalization(parts[1], out var body))
            {
                return $"unsupported canonicalization c={canonicalization}";
            }

            BodyCanonicalization = body;
        }

        return null;
    }

    private static bool TryCanonicalization(string name, out DkimCanonicalizationAlgorithm algorithm)
    {
        algorithm = DkimCanonicalizationAlgorithm.Simple;
        if (name.Equals("relaxed", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = DkimCanonicalizationAlgorithm.Relaxed;
            return true;
        }

        return name.Equals("simple", StringComparison.OrdinalIgnoreCase);
    }

    private string? ReadTimes(string? timestamp, string? expiration)
    {
        long t = 0;
        if (timestamp is not null && !TryParseDigits(timestamp, 12, out t))
        {
            return $"t={timestamp} is not a timestamp";
        }

        if (expiration is null)
        {
            return null;
        }

        if (!TryParseDigits(expiration, 12, out var x))
        {
            return $"x={expiration} is not a timestamp";
        }

        if (timestamp is not null && x <= t)
        {
            return $"x={expiration} is not later than t={timestamp}";
        }

        Expiration = DateTimeOffset.FromUnixTimeSeconds(Math.Min(x, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        return null;
    }

    private static bool TryParseDigits(string text, int maxDigits, out long value)
    {
        value = 0;
        return text.Length is > 0 and <= 18 && text.Length <= maxDigits && text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    // dkim-quoted-printable (RFC 6376 section 2.11): "=" and two hex digits stand for an octet of the UTF-8 text.
    private static bool TryDecodeQuotedPrintable(string text, out string decoded)
    {
        decoded = text;
        if (!text.Contains('=', StringComparison.Ordinal))
        {
            return true;
        }

        var input = Encoding.UTF8.GetBytes(text);
        var output = new List<byte>(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] != (byte)'=')
            {
                output.Add(input[i]);
                continue;
            }

            if (i + 2 >= input.Length
                || !byte.TryParse(input.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var octet))
            {
                return false;
            }

            output.Add(octet);
            i += 2;
        }

        decoded = Encoding.UTF8.GetString(output.ToArray());
        return true;
    }
}

using System.Diagnostics.CodeAnalysis;

namespace Milter.Authentication.Dkim;

/// <summary>
/// The tags of a DKIM key record (RFC 6376 section 3.6.1) that decide whether its key may verify a signature.
/// The key data itself is decoded by <see cref="DnsDkimPublicKeyLocator"/>.
/// </summary>
internal sealed class DkimKeyRecord
{
    private readonly string[]? _hashAlgorithms;

    private DkimKeyRecord(string keyType, string[]? hashAlgorithms, bool testing, bool strictIdentity, string publicKey)
    {
        KeyType = keyType;
        _hashAlgorithms = hashAlgorithms;
        Testing = testing;
        StrictIdentity = strictIdentity;
        PublicKey = publicKey;
    }

    /// <summary>The key type, <c>k=</c>, lower case: "rsa" (the default) or "ed25519".</summary>
    public string KeyType { get; }

    /// <summary><c>t=y</c>: the domain is testing DKIM.</summary>
    public bool Testing { get; }

    /// <summary><c>t=s</c>: the domain of a signature's <c>i=</c> must equal its <c>d=</c>, not a subdomain.</summary>
    public bool StrictIdentity { get; }

    /// <summary>The base64 key data, <c>p=</c>, without white space; never empty (an empty one is a revoked key).</summary>
    public string PublicKey { get; }

    /// <summary>Whether the record allows signatures whose hash is <paramref name="hash"/> ("sha1", "sha256"): <c>h=</c> absent or naming it.</summary>
    public bool AllowsHash(string hash) =>
        _hashAlgorithms is null || Array.Exists(_hashAlgorithms, name => name.Equals(hash, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads a TXT record's text; <paramref name="problem"/> says why it cannot be used.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out DkimKeyRecord? record, [NotNullWhen(false)] out string? problem)
    {
        record = null;
        if (!DkimTagList.TryParse(text, out var tags, out var error))
        {
            problem = "key record syntax: " + error;
            return false;
        }

        // v= is optional, but when present it must come first and be exactly "DKIM1" (case-sensitive in the ABNF).
        var version = tags["v"];
        if (version is not null && (tags.Names[0] != "v" || version != "DKIM1"))
        {
            problem = tags.Names[0] != "v" ? "key record v= tag is not the first tag" : $"unsupported key record version v={version}";
            return false;
        }

        var keyType = (tags["k"] ?? "rsa").ToLowerInvariant();
        if (keyType is not ("rsa" or "ed25519"))
        {
            problem = $"unsupported key type k={tags["k"]}";
            return false;
        }

        var services = tags["s"];
        if (services is not null && !Array.Exists(services.Split(':'), service => service is "*" || service.Equals("email", StringComparison.OrdinalIgnoreCase)))
        {
            problem = $"key is not for email (s={services})";
            return false;
        }

        var publicKey = tags["p"];
        if (publicKey is null)
        {
            problem = "key record has no p= tag";
            return false;
        }

        if (publicKey.Length == 0)
        {
            problem = "key revoked (empty p=)";
            return false;
        }

        var flags = (tags["t"] ?? "").Split(':');
        var hashes = tags["h"];
        record = new DkimKeyRecord(
            keyType,
            hashes?.Split(':'),
            Array.Exists(flags, flag => flag.Equals("y", StringComparison.OrdinalIgnoreCase)),
            Array.Exists(flags, flag => flag.Equals("s", StringComparison.OrdinalIgnoreCase)),
            publicKey);
        problem = null;
        return true;
    }
}

using Milter.Dns;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace Milter.Authentication.Dkim;

/// <summary>
/// Finds DKIM keys in DNS (TXT at <c>selector._domainkey.domain</c>, RFC 6376 section 3.6.2) through
/// <see cref="IDnsResolver"/>, and keeps the lookups in a bounded cache for their TTL. Thread-safe: one instance
/// serves all connections. <see cref="DkimChecker"/> reads the full outcome; MimeKit verifiers get the key or a
/// <see cref="DkimKeyException"/> telling temperror from permerror.
/// </summary>
public sealed class DnsDkimPublicKeyLocator : DkimPublicKeyLocatorBase
{
    private const int Ed25519KeyLength = 32;

    private readonly IDnsResolver _resolver;
    private readonly TimeProvider _timeProvider;
    private readonly DkimKeyCache _cache;
    private readonly TimeSpan _maxTtl;

    /// <summary>Creates a locator that resolves through <paramref name="resolver"/>.</summary>
    /// <param name="resolver">The DNS seam; its errors become results, never exceptions.</param>
    /// <param name="options">The cache bounds (<see cref="DkimOptions.KeyCacheSize"/>, <see cref="DkimOptions.KeyCacheMaxTtl"/>); null for the defaults.</param>
    /// <param name="timeProvider">The clock of the cache; null for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="resolver"/> is null.</exception>
    public DnsDkimPublicKeyLocator(IDnsResolver resolver, DkimOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        options ??= new DkimOptions();
        _resolver = resolver;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _cache = new DkimKeyCache(options.KeyCacheSize);
        _maxTtl = options.KeyCacheMaxTtl;
    }

    /// <summary>Not supported: authmilter never blocks a thread on DNS. Use <see cref="LocatePublicKeyAsync"/>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("DNS lookups are asynchronous only; call LocatePublicKeyAsync.");

    /// <summary>Looks up the key of <paramref name="selector"/> at <paramref name="domain"/>.</summary>
    /// <param name="methods">The signature's <c>q=</c> methods, colon-separated; must include <c>dns/txt</c>.</param>
    /// <param name="domain">The signing domain, <c>d=</c>.</param>
    /// <param name="selector">The selector, <c>s=</c>.</param>
    /// <param name="cancellationToken">Cancels the DNS query.</param>
    /// <returns>The RSA or ed25519 public key.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="DkimKeyException">
    /// No usable key: <see cref="DkimResult.TempError"/> for a DNS timeout or SERVFAIL; <see cref="DkimResult.PermError"/>
    /// for no <c>dns/txt</c> in <paramref name="methods"/>, NXDOMAIN, no TXT record, several TXT records, a malformed,
    /// unsupported or non-email record, a revoked key (empty <c>p=</c>) or key data that does not decode.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(methods);
        if (!Array.Exists(methods.Split(':'), method => method.Trim().Equals("dns/txt", StringComparison.OrdinalIgnoreCase)))
        {
            throw new DkimKeyException(DkimResult.PermError, $"unsupported query method q={methods}");
        }

        var lookup = await LookupAsync(domain, selector, cancellationToken).ConfigureAwait(false);
        return lookup.Found ? lookup.Key : throw new DkimKeyException(lookup.Failure, lookup.Problem, lookup.Exception);
    }

    /// <summary>The key of <paramref name="selector"/> at <paramref name="domain"/>, or why there is none; from the cache when it has it.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="domain"/> or <paramref name="selector"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    internal async ValueTask<DkimKeyLookup> LookupAsync(string domain, string selector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(selector);
        var name = $"{selector}._domainkey.{domain}";
        if (_cache.Get(name, _timeProvider.GetUtcNow()) is { } cached)
        {
            return cached;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var response = await _resolver.QueryTxtAsync(name, cancellationToken).ConfigureAwait(false);
        var lookup = Interpret(name, response);

        // Temporary errors are never kept; everything else for its TTL (none given: not kept), at most _maxTtl.
        if (response.TimeToLive is { } ttl && lookup.Failure != DkimResult.TempError)
        {
            var now = _timeProvider.GetUtcNow();
            _cache.Add(name, lookup, now + (ttl < _maxTtl ? ttl : _maxTtl), now);
        }

        return lookup;
    }

    private static DkimKeyLookup Interpret(string name, DnsResponse<string> response)
    {
        switch (response.Status)
        {
            case DnsStatus.TemporaryError:
                return DkimKeyLookup.Failed(DkimResult.TempError, $"key lookup failed: {response.Error ?? name}");
            case DnsStatus.NameError:
                return DkimKeyLookup.Failed(DkimResult.PermError, $"no key: {name} does not exist (NXDOMAIN)");
            case DnsStatus.NoData:
                return DkimKeyLookup.Failed(DkimResult.PermError, $"no key: {name} has no TXT record");
            case DnsStatus.PermanentError:
                return DkimKeyLookup.Failed(DkimResult.PermError, $"key lookup failed: {response.Error ?? name}");
        }

        // RFC 6376 section 3.6.2.2 lets the verifier choose among several records; two keys at one selector is a
        // publishing mistake, and picking one would make the result depend on the order of the answer.
        if (response.Records.Count > 1)
        {
            return DkimKeyLookup.Failed(DkimResult.PermError, $"{name} has {response.Records.Count} TXT records, not one key record");
        }

        if (!DkimKeyRecord.TryParse(response.Records[0], out var record, out var problem))
        {
            return DkimKeyLookup.Failed(DkimResult.PermError, problem);
        }

        return Decode(record);
    }

    private static DkimKeyLookup Decode(DkimKeyRecord record)
    {
        var data = new byte[record.PublicKey.Length];
        if (!Convert.TryFromBase64String(record.PublicKey, data, out var length))
        {
            return DkimKeyLookup.Failed(DkimResult.PermError, "key data (p=) is not base64");
        }

        if (record.KeyType == "ed25519" && length != Ed25519KeyLength)
        {
            return DkimKeyLookup.Failed(DkimResult.PermError, $"ed25519 key data is {length} octets, not {Ed25519KeyLength}");
        }

        AsymmetricKeyParameter key;
        try
        {
            // MimeKit's reader, given only the two tags it reads, after the record's other tags were checked above.
            key = GetPublicKey($"k={record.KeyType}; p={record.PublicKey}");
        }
        catch (Exception exception) when (exception is MimeKit.ParseException or IOException or ArgumentException)
        {
            return DkimKeyLookup.Failed(DkimResult.PermError, $"key data (p=) does not decode as a {record.KeyType} key", exception);
        }

        return key switch
        {
            RsaKeyParameters rsa when record.KeyType == "rsa" => DkimKeyLookup.Success(record, key, rsa.Modulus.BitLength),
            Ed25519PublicKeyParameters when record.KeyType == "ed25519" => DkimKeyLookup.Success(record, key, Ed25519KeyLength * 8),
            _ => DkimKeyLookup.Failed(DkimResult.PermError, $"key data (p=) is not a {record.KeyType} key"),
        };
    }
}

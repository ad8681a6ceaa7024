using System.Text;
using Milter.Dns;
using MimeKit;
using Org.BouncyCastle.Crypto.Parameters;

namespace Milter.Authentication.Dkim;

/// <summary>
/// Verifies the DKIM-Signature fields of a message (RFC 6376, RFC 8301, RFC 8463) with MimeKit, its keys found
/// through <see cref="IDnsResolver"/>. Thread-safe: one instance serves all connections and shares its key cache.
/// </summary>
public sealed class DkimChecker
{
    private readonly DnsDkimPublicKeyLocator _locator;
    private readonly DkimMimeVerifier _verifier;
    private readonly TimeProvider _timeProvider;
    private readonly int _maxSignatures;
    private readonly TimeSpan _clockSkew;

    /// <summary>Creates a checker that finds keys through <paramref name="resolver"/>.</summary>
    /// <param name="resolver">The DNS seam; its errors become temperror or permerror results, never exceptions.</param>
    /// <param name="options">Limits and policy, read now; null for the defaults.</param>
    /// <param name="timeProvider">The clock for <c>x=</c> expiry and the key cache; null for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="resolver"/> is null.</exception>
    public DkimChecker(IDnsResolver resolver, DkimOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        options ??= new DkimOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _locator = new DnsDkimPublicKeyLocator(resolver, options, _timeProvider);
        _verifier = new DkimMimeVerifier(_locator, options);
        _maxSignatures = options.MaxSignatures;
        _clockSkew = options.ClockSkew;
    }

    /// <summary>
    /// Verifies every DKIM-Signature field of <paramref name="message"/>, top to bottom, up to
    /// <see cref="DkimOptions.MaxSignatures"/>; each further one is reported as <see cref="DkimResult.Policy"/>
    /// ("not evaluated") without a DNS query. The body is read from the stream as needed, never held in memory.
    /// </summary>
    /// <param name="message">
    /// The message exactly as received, from its current position: header fields, an empty line, the body, with
    /// CRLF line ends. Seekable (a spool file or a memory stream), and left open.
    /// </param>
    /// <param name="cancellationToken">
    /// Bounds the key lookups: once cancelled, signatures whose key is not cached get <see cref="DkimResult.TempError"/>
    /// results. Cancellation while the header is parsed throws, since no signature is known yet.
    /// </param>
    /// <returns>One result per DKIM-Signature field, in the message's order; empty when the message has none (DKIM "none").</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="message"/> is not seekable.</exception>
    /// <exception cref="FormatException">The stream holds no message header that MimeKit can parse (e.g. it is empty).</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the header was parsed.</exception>
    public async ValueTask<IReadOnlyList<DkimSignatureResult>> VerifyAsync(Stream message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.CanSeek)
        {
            throw new ArgumentException("The message stream must be seekable, so that the body is read in place.", nameof(message));
        }

        // persistent: parts refer to ranges of the stream instead of copies, so a large body stays on disk.
        var parser = new MimeParser(message, persistent: true);
        using var parsed = await parser.ParseMessageAsync(cancellationToken).ConfigureAwait(false);
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        var results = new List<DkimSignatureResult>();
        foreach (var field in parsed.Headers)
        {
            if (field.Id != HeaderId.DkimSignature)
            {
                continue;
            }

            var signature = DkimSignature.Parse(Encoding.UTF8.GetString(field.RawValue));
            results.Add(results.Count < _maxSignatures
                ? await EvaluateAsync(format, parsed, field, signature, cancellationToken).ConfigureAwait(false)
                : Describe(signature, DkimResult.Policy, $"not evaluated: more than {_maxSignatures} signatures"));
        }

        return results;
    }

    private async ValueTask<DkimSignatureResult> EvaluateAsync(
        FormatOptions format, MimeMessage message, Header field, DkimSignature signature, CancellationToken cancellationToken)
    {
        if (signature.Problem is { } problem)
        {
            return Describe(signature, DkimResult.PermError, problem);
        }

        if (!_verifier.IsEnabled(signature.Algorithm))
        {
            return Describe(signature, DkimResult.Policy, "rsa-sha1 is not accepted (RFC 8301 section 3.1)");
        }

        if (signature.Expiration is { } expiration && expiration + _clockSkew < _timeProvider.GetUtcNow())
        {
            return Describe(signature, DkimResult.Policy, $"signature expired at {expiration:yyyy-MM-dd HH:mm:ss}Z (x=)");
        }

        DkimKeyLookup lookup;
        try
        {
            lookup = await _locator.LookupAsync(signature.Domain!, signature.Selector!, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Describe(signature, DkimResult.TempError, "key lookup cancelled: time limit reached");
        }

        if (!lookup.Found)
        {
            return Describe(signature, lookup.Failure, lookup.Problem) with { Exception = lookup.Exception };
        }

        var result = Describe(signature, DkimResult.PermError, "") with { Testing = lookup.Record.Testing, KeyBits = lookup.Bits };
        if (lookup.Record.KeyType != signature.KeyType)
        {
            return result with { Reason = $"key type k={lookup.Record.KeyType} does not match a={signature.AlgorithmName}" };
        }

        if (!lookup.Record.AllowsHash(signature.HashName))
        {
            return result with { Reason = $"key record h= does not allow {signature.HashName}" };
        }

        if (lookup.Record.StrictIdentity && !signature.IdentityDomain.Equals(signature.Domain, StringComparison.OrdinalIgnoreCase))
        {
            return result with { Reason = $"key has t=s but i= domain {signature.IdentityDomain} is not d={signature.Domain}" };
        }

        if (lookup.Key is RsaKeyParameters && lookup.Bits < _verifier.MinimumRsaKeyLength)
        {
            return result with
            {
                Result = DkimResult.Policy,
                Reason = $"RSA key of {lookup.Bits} bits is under the {_verifier.MinimumRsaKeyLength}-bit minimum (RFC 8301 section 3.2)",
            };
        }

        if (!_verifier.BodyHashMatches(format, message, signature))
        {
            return result with { Result = DkimResult.Fail, Reason = "body hash did not verify" };
        }

        if (!_verifier.SignatureMatches(format, message, field, signature, lookup.Key))
        {
            return result with { Result = DkimResult.Fail, Reason = "signature did not verify" };
        }

        return result with
        {
            Result = DkimResult.Pass,
            Reason = signature.BodyLength is { } length ? $"signature verified; only {length} body octets are signed (l=)" : "signature verified",
        };
    }

    private static DkimSignatureResult Describe(DkimSignature signature, DkimResult result, string reason) => new()
    {
        Result = result,
        Reason = reason,
        Domain = signature.Domain,
        Identity = signature.Identity,
        Selector = signature.Selector,
        Algorithm = signature.AlgorithmName,
        SignaturePrefix = signature.SignaturePrefix,
        BodyLength = signature.BodyLength,
    };
}

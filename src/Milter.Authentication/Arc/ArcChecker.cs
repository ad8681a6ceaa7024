using Milter.Authentication.Dkim;
using MimeKit;
using MimeKit.Cryptography;
using MethodResult = Milter.Authentication.Results.AuthenticationMethodResult;

namespace Milter.Authentication.Arc;

/// <summary>
/// Validates the Authenticated Received Chain of a message (RFC 8617 section 5.2) with MimeKit's
/// <see cref="ArcVerifier"/>, its keys found through the DKIM key locator (RFC 8301 policy: no rsa-sha1, RSA keys of
/// at least <see cref="ArcOptions.MinimumRsaKeyBits"/>). Thread-safe: one instance serves all connections.
/// </summary>
public sealed class ArcChecker
{
    // The failures MimeKit reports for signatures; every other error is one of structure, found before any lookup.
    private const ArcValidationErrors SignatureErrors = ArcValidationErrors.MessageSignatureValidationFailed | ArcValidationErrors.SealValidationFailed;

    private readonly DnsDkimPublicKeyLocator _keys;
    private readonly int _maxInstances;
    private readonly int _maxSignatures;
    private readonly int _minimumRsaKeyBits;

    /// <summary>Creates a checker that finds keys through <paramref name="keys"/>.</summary>
    /// <param name="keys">The DKIM key locator, whose cache may be shared; its DNS errors become results, never exceptions.</param>
    /// <param name="options">Limits and policy, read now; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is null.</exception>
    public ArcChecker(DnsDkimPublicKeyLocator keys, ArcOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        options ??= new ArcOptions();
        _keys = keys;
        _maxInstances = options.MaxInstances;
        _maxSignatures = options.MaxSignatures;
        _minimumRsaKeyBits = options.MinimumRsaKeyBits;
    }

    /// <summary>
    /// Validates the chain as the last receiver does: structure, the newest ARC-Message-Signature, every ARC-Seal;
    /// then, when it passes, the older ARC-Message-Signatures for <see cref="ArcResult.OldestPass"/>. The body is read
    /// from the stream as needed, never held in memory.
    /// </summary>
    /// <param name="message">
    /// The message exactly as received, from its current position: header fields, an empty line, the body, with
    /// CRLF line ends. Seekable (a spool file or a memory stream), and left open.
    /// </param>
    /// <param name="cancellationToken">
    /// Bounds the key lookups: once cancelled, signatures whose key is not cached fail to verify and the chain
    /// gets <see cref="ArcChainResult.TempError"/>. Cancellation while the header is parsed throws.
    /// </param>
    /// <returns>The chain's result; <see cref="ArcChainResult.None"/> when the message has no ARC header fields (or is empty).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="message"/> is not seekable.</exception>
    /// <exception cref="FormatException">MimeKit cannot parse the stream as a message header.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the header was parsed.</exception>
    public async ValueTask<ArcResult> VerifyAsync(Stream message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.CanSeek)
        {
            throw new ArgumentException("The message stream must be seekable, so that the body is read in place.", nameof(message));
        }

        if (message.Position == message.Length)
        {
            return new ArcResult { Result = ArcChainResult.None, Reason = "empty message" };
        }

        // persistent: parts refer to ranges of the stream instead of copies, so a large body stays on disk.
        using var parsed = await new MimeParser(message, persistent: true).ParseMessageAsync(cancellationToken).ConfigureAwait(false);
        var sets = ArcSetReader.Read(parsed.Headers, out var fields, out var unreadable);
        if (fields == 0)
        {
            return new ArcResult { Result = ArcChainResult.None, Reason = "no ARC header fields" };
        }

        var count = sets.Count == 0 ? 0 : sets.Keys.Max();
        var outcomes = new Outcomes(count);
        if (count > _maxInstances || count + 1 > _maxSignatures)
        {
            var limit = count > _maxInstances ? $"at most {_maxInstances} are validated" : $"validating them takes more than {_maxSignatures} signatures";
            return Report(ArcChainResult.Fail, $"{count} ARC sets: {limit}", sets, outcomes, null);
        }

        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        var locator = new ArcKeyLocator(_keys, _minimumRsaKeyBits);
        var verifier = new ArcMimeVerifier(locator, _minimumRsaKeyBits);
        var validation = await verifier.VerifyAsync(format, parsed, cancellationToken).ConfigureAwait(false);
        if (validation.Chain == ArcSignatureValidationResult.None)
        {
            return Report(ArcChainResult.Fail, ArcSetReader.DescribeStructure(sets, count, unreadable) ?? "no ARC set has a valid i=", sets, outcomes, null);
        }

        for (var i = 0; i < (validation.Seals?.Length ?? 0); i++)
        {
            var seal = sets[i + 1].Seal;
            outcomes.Seals[i] = validation.Seals![i].Signature == ArcSignatureValidationResult.Pass ? ArcSignatureOutcome.Pass
                : locator.ProblemOf(seal?["d"], seal?["s"]) is { Temporary: true } ? ArcSignatureOutcome.TempError
                : ArcSignatureOutcome.Fail;
        }

        string? messageSignatureProblem = null;
        if (validation.MessageSignature is { } newest)
        {
            outcomes.MessageSignatures[count - 1] = ArcSignatureOutcome.Pass;
            if (newest.Signature != ArcSignatureValidationResult.Pass)
            {
                // MimeKit says only "fail"; verifying again tells a broken body or signature from a key that did not come.
                var (outcome, reason) = await verifier.VerifyMessageSignatureAsync(format, parsed, newest.Header, cancellationToken).ConfigureAwait(false);
                outcomes.MessageSignatures[count - 1] = outcome == ArcSignatureOutcome.Pass ? ArcSignatureOutcome.Fail : outcome;
                messageSignatureProblem = outcome == ArcSignatureOutcome.Pass ? "malformed" : reason;
            }
            else if (ArcMimeVerifier.SignsSeal(sets[count].MessageSignatureTags?["h"] ?? ""))
            {
                outcomes.MessageSignatures[count - 1] = ArcSignatureOutcome.Fail;
                messageSignatureProblem = ArcMimeVerifier.SignsSealProblem;
            }
        }

        if (validation.Chain == ArcSignatureValidationResult.Pass && messageSignatureProblem is null)
        {
            var oldestPass = await FindOldestPassAsync(verifier, format, parsed, sets, count, outcomes, cancellationToken).ConfigureAwait(false);
            return Report(ArcChainResult.Pass, $"{count} ARC set{(count == 1 ? "" : "s")} verified; oldest pass i={oldestPass}", sets, outcomes, oldestPass);
        }

        if ((validation.ChainErrors & ~SignatureErrors) != 0)
        {
            var structure = ArcSetReader.DescribeStructure(sets, count, unreadable) ?? $"malformed chain ({validation.ChainErrors})";
            return Report(ArcChainResult.Fail, structure, sets, outcomes, null);
        }

        return ReportSignatureFailure(sets, count, outcomes, locator, messageSignatureProblem);
    }

    // RFC 8617 section 5.2 step 5: from N-1 down, while they verify and the budget lasts.
    private async ValueTask<int> FindOldestPassAsync(
        ArcMimeVerifier verifier, FormatOptions format, MimeMessage message, SortedDictionary<int, ArcSet> sets, int count, Outcomes outcomes, CancellationToken cancellationToken)
    {
        var oldestPass = count;
        var budget = _maxSignatures - (count + 1);
        for (var i = count - 1; i >= 1 && budget > 0; i--, budget--)
        {
            var (outcome, _) = await verifier.VerifyMessageSignatureAsync(format, message, sets[i].MessageSignature!, cancellationToken).ConfigureAwait(false);
            outcomes.MessageSignatures[i - 1] = outcome;
            if (outcome != ArcSignatureOutcome.Pass)
            {
                break;
            }

            oldestPass = i;
        }

        return oldestPass;
    }

    // The newest ARC-Message-Signature first (RFC 8617 section 5.2 step 4), then the seals from the newest down.
    private static ArcResult ReportSignatureFailure(
        SortedDictionary<int, ArcSet> sets, int count, Outcomes outcomes, ArcKeyLocator locator, string? messageSignatureProblem)
    {
        var failures = new List<(ArcSignatureOutcome Outcome, string Reason)>();
        if (outcomes.MessageSignatures[count - 1] is ArcSignatureOutcome.Fail or ArcSignatureOutcome.TempError)
        {
            failures.Add((outcomes.MessageSignatures[count - 1], $"ARC-Message-Signature i={count} did not verify: {messageSignatureProblem}"));
        }

        for (var i = count; i >= 1; i--)
        {
            if (outcomes.Seals[i - 1] is ArcSignatureOutcome.Fail or ArcSignatureOutcome.TempError)
            {
                var seal = sets[i].Seal!;
                var problem = seal["a"]?.Equals("rsa-sha1", StringComparison.OrdinalIgnoreCase) == true
                    ? "rsa-sha1 is not accepted (RFC 8301 section 3.1)"
                    : locator.ProblemOf(seal["d"], seal["s"])?.Problem ?? "signature did not verify";
                failures.Add((outcomes.Seals[i - 1], $"ARC-Seal i={i} (d={seal["d"]}) did not verify: {problem}"));
            }
        }

        // A definite failure decides; only when every failure is a key that did not come may a retry pass.
        var decisive = failures.Find(failure => failure.Outcome == ArcSignatureOutcome.Fail);
        return decisive.Reason is not null
            ? Report(ArcChainResult.Fail, decisive.Reason, sets, outcomes, null)
            : Report(ArcChainResult.TempError, failures[0].Reason, sets, outcomes, null);
    }

    private static ArcResult Report(ArcChainResult result, string reason, SortedDictionary<int, ArcSet> sets, Outcomes outcomes, int? oldestPass) => new()
    {
        Result = result,
        Reason = reason,
        InstanceCount = outcomes.Seals.Length,
        OldestPass = oldestPass,
        Instances = [.. Enumerable.Range(1, outcomes.Seals.Length).Select(i => Describe(i, sets.GetValueOrDefault(i), outcomes))],
    };

    private static ArcInstance Describe(int instance, ArcSet? set, Outcomes outcomes) => new()
    {
        Instance = instance,
        SealDomain = set?.Seal?["d"],
        SealSelector = set?.Seal?["s"],
        ChainValidation = set?.Seal?["cv"],
        MessageSignatureDomain = set?.MessageSignatureTags?["d"],
        Seal = outcomes.Seals[instance - 1],
        MessageSignature = outcomes.MessageSignatures[instance - 1],
        AuthservId = set?.AuthenticationResults?.AuthenticationServiceIdentifier,
        Results = set?.AuthenticationResults is { } results ? [.. results.Results.Select(Convert)] : [],
        AuthenticationResults = set?.AuthenticationResultsField?.Value.Trim(),
    };

    private static MethodResult Convert(AuthenticationMethodResult result) => new(
        result.Method,
        result.Result,
        result.ResultComment,
        [.. result.Properties.Select(property => KeyValuePair.Create($"{property.PropertyType}.{property.Property}", property.Value))]);

    private sealed class Outcomes(int count)
    {
        public ArcSignatureOutcome[] Seals { get; } = new ArcSignatureOutcome[count];
        public ArcSignatureOutcome[] MessageSignatures { get; } = new ArcSignatureOutcome[count];
    }
}

namespace Milter.Authentication.Spf;

/// <summary>Limits and settings of the SPF engine. Read at each evaluation, so changes apply to later checks.</summary>
public sealed class SpfOptions
{
    /// <summary>The default for <see cref="DefaultExplanation"/>.</summary>
    public const string DefaultExplanationText = "%{i} is not one of %{d}'s designated mail servers.";

    private int _maxDnsLookups = 10;
    private int _maxVoidLookups = 2;
    private int _maxMxNames = 10;
    private int _maxPtrNames = 10;
    private int _parsedRecordCacheSize = 1024;
    private string _receiverName = "unknown";
    private string _defaultExplanation = DefaultExplanationText;

    /// <summary>Creates options with the RFC 7208 defaults.</summary>
    public SpfOptions()
    {
        MacroString.TryParse(DefaultExplanationText, MacroSyntax.Explanation, out var parsed, out _);
        ParsedDefaultExplanation = parsed;
    }

    /// <summary>
    /// How many DNS-querying terms (include, a, mx, ptr, exists, redirect) one check may evaluate before it is
    /// a permerror. Defaults to 10, the RFC 7208 section 4.6.4 limit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxDnsLookups
    {
        get => _maxDnsLookups;
        set => _maxDnsLookups = NotNegative(value);
    }

    /// <summary>
    /// How many void lookups (NXDOMAIN or NODATA answers to the queries of a, mx and exists) one check may meet
    /// before it is a permerror. Defaults to 2, the value RFC 7208 section 4.6.4 recommends.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxVoidLookups
    {
        get => _maxVoidLookups;
        set => _maxVoidLookups = NotNegative(value);
    }

    /// <summary>
    /// How many MX records one "mx" mechanism may resolve; an answer with more makes the mechanism a permerror
    /// (RFC 7208 section 4.6.4). Defaults to 10.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxMxNames
    {
        get => _maxMxNames;
        set => _maxMxNames = NotNegative(value);
    }

    /// <summary>
    /// How many PTR names are validated for "ptr" and <c>%{p}</c>; further names are ignored, not an error,
    /// since the client controls them (RFC 7208 section 4.6.4). Defaults to 10.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxPtrNames
    {
        get => _maxPtrNames;
        set => _maxPtrNames = NotNegative(value);
    }

    /// <summary>
    /// How many parsed records the checker keeps, keyed by record text, so a warm evaluation does not parse again.
    /// Senders choose the records, hence the bound; when full the cache starts over. 0 disables it. Defaults to 1,024.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int ParsedRecordCacheSize
    {
        get => _parsedRecordCacheSize;
        set => _parsedRecordCacheSize = NotNegative(value);
    }

    /// <summary>The domain name of this receiver, the <c>%{r}</c> macro of explanations. Defaults to "unknown", as RFC 7208 section 7.3 says when none is known.</summary>
    /// <exception cref="ArgumentException">The value is null, empty or white space.</exception>
    public string ReceiverName
    {
        get => _receiverName;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            _receiverName = value;
        }
    }

    /// <summary>
    /// The explanation of a fail result when the record has no usable <c>exp=</c>: an explain-string, macros
    /// allowed (RFC 7208 section 6.2). Defaults to <see cref="DefaultExplanationText"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    /// <exception cref="ArgumentException">The value is not a valid explain-string (bad macro, non-ASCII or control character).</exception>
    public string DefaultExplanation
    {
        get => _defaultExplanation;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (!MacroString.TryParse(value, MacroSyntax.Explanation, out var parsed, out var problem))
            {
                throw new ArgumentException($"Not a valid SPF explanation: {problem}.", nameof(value));
            }

            _defaultExplanation = value;
            ParsedDefaultExplanation = parsed;
        }
    }

    /// <summary>Whether evaluations record a <see cref="SpfEvaluation.Trace"/> (for diagnostics; costs allocations). Defaults to false.</summary>
    public bool RecordTrace { get; set; }

    internal MacroString ParsedDefaultExplanation { get; private set; }

    private static int NotNegative(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return value;
    }
}

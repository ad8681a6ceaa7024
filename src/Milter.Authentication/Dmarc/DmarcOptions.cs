namespace Milter.Authentication.Dmarc;

/// <summary>Settings of the DMARC evaluator. A <see cref="DmarcEvaluator"/> copies them when it is created.</summary>
public sealed class DmarcOptions
{
    /// <summary>The RFC 9989 section 4.10 query limit of one tree walk.</summary>
    public const int SpecifiedTreeWalkLookups = 8;

    private string _publicSuffixListPath = PublicSuffixList.DebianPath;
    private int _maxTreeWalkLookups = SpecifiedTreeWalkLookups;

    /// <summary>How the policy record and Organizational Domains are found. Defaults to <see cref="DmarcDiscoveryMode.TreeWalk"/> (RFC 9989).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined mode.</exception>
    public DmarcDiscoveryMode Discovery
    {
        get;
        set => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown discovery mode.");
    } = DmarcDiscoveryMode.TreeWalk;

    /// <summary>
    /// The Public Suffix List file read in <see cref="DmarcDiscoveryMode.PublicSuffixList"/> mode (and only then).
    /// Defaults to <see cref="PublicSuffixList.DebianPath"/>, installed by the Debian/Ubuntu package <c>publicsuffix</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The value is null, empty or white space.</exception>
    public string PublicSuffixListPath
    {
        get => _publicSuffixListPath;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            _publicSuffixListPath = value;
        }
    }

    /// <summary>
    /// How many DMARC record queries one tree walk may make, the first one (at the domain itself) included: a name
    /// with more labels is shortened as RFC 9989 section 4.10 step 4 does, to one label fewer than this limit.
    /// Defaults to 8, the specified limit (<see cref="SpecifiedTreeWalkLookups"/>); 1 disables the walk above the
    /// domain itself.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 127 (the most labels a name can have).</exception>
    public int MaxTreeWalkLookups
    {
        get => _maxTreeWalkLookups;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 127);
            _maxTreeWalkLookups = value;
        }
    }
}

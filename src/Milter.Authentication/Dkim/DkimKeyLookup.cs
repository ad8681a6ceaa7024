using System.Diagnostics.CodeAnalysis;
using Org.BouncyCastle.Crypto;

namespace Milter.Authentication.Dkim;

/// <summary>The outcome of looking up one selector's key: the key and its record, or the result and reason why there is none.</summary>
internal sealed class DkimKeyLookup
{
    private DkimKeyLookup(DkimKeyRecord? record, AsymmetricKeyParameter? key, int bits, DkimResult failure, string problem, Exception? exception)
    {
        Record = record;
        Key = key;
        Bits = bits;
        Failure = failure;
        Problem = problem;
        Exception = exception;
    }

    /// <summary>The key record; null when the lookup failed.</summary>
    public DkimKeyRecord? Record { get; }

    /// <summary>The decoded key; null when the lookup failed.</summary>
    public AsymmetricKeyParameter? Key { get; }

    /// <summary>The key size in bits.</summary>
    public int Bits { get; }

    /// <summary>For a failed lookup, <see cref="DkimResult.TempError"/> or <see cref="DkimResult.PermError"/>.</summary>
    public DkimResult Failure { get; }

    /// <summary>For a failed lookup, why.</summary>
    public string Problem { get; }

    /// <summary>For a failed lookup, the exception that told, if any.</summary>
    public Exception? Exception { get; }

    [MemberNotNullWhen(true, nameof(Record), nameof(Key))]
    public bool Found => Key is not null;

    public static DkimKeyLookup Success(DkimKeyRecord record, AsymmetricKeyParameter key, int bits) =>
        new(record, key, bits, DkimResult.Pass, "", null);

    public static DkimKeyLookup Failed(DkimResult failure, string problem, Exception? exception = null) =>
        new(null, null, 0, failure, problem, exception);
}

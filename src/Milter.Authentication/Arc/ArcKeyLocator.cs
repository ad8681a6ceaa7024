using Milter.Authentication.Dkim;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace Milter.Authentication.Arc;

/// <summary>
/// The key locator of one message's validation: asks the shared <see cref="DnsDkimPublicKeyLocator"/> once per
/// key, answers again from what it got, and remembers why a key was not usable, which MimeKit's verifier swallows
/// (it turns every exception into fail). Not thread-safe: one message is validated on one logical thread.
/// </summary>
internal sealed class ArcKeyLocator(DnsDkimPublicKeyLocator locator, int minimumRsaKeyBits) : IDkimPublicKeyLocator
{
    private readonly Dictionary<string, Task<AsymmetricKeyParameter>> _lookups = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (bool Temporary, string Problem)> _problems = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Not supported: validation is asynchronous only.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("DNS lookups are asynchronous only; call LocatePublicKeyAsync.");

    public Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        var name = Name(domain, selector);
        if (!_lookups.TryGetValue(name + " " + methods, out var lookup))
        {
            lookup = LookupAsync(name, methods, domain, selector, cancellationToken);
            _lookups[name + " " + methods] = lookup;
        }

        return lookup;
    }

    /// <summary>Why the key of <paramref name="selector"/> at <paramref name="domain"/> was not usable, if it was looked up and was not.</summary>
    public (bool Temporary, string Problem)? ProblemOf(string? domain, string? selector) =>
        domain is not null && selector is not null && _problems.TryGetValue(Name(domain, selector), out var problem) ? problem : null;

    private async Task<AsymmetricKeyParameter> LookupAsync(string name, string methods, string domain, string selector, CancellationToken cancellationToken)
    {
        AsymmetricKeyParameter key;
        try
        {
            key = await locator.LocatePublicKeyAsync(methods, domain, selector, cancellationToken).ConfigureAwait(false);
        }
        catch (DkimKeyException exception)
        {
            _problems[name] = (exception.Result == DkimResult.TempError, exception.Message);
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _problems[name] = (true, "key lookup cancelled: time limit reached");
            throw;
        }

        if (key is RsaKeyParameters rsa && rsa.Modulus.BitLength < minimumRsaKeyBits)
        {
            _problems[name] = (false, $"RSA key of {rsa.Modulus.BitLength} bits is under the {minimumRsaKeyBits}-bit minimum (RFC 8301 section 3.2)");
        }

        return key;
    }

    private static string Name(string domain, string selector) => $"{selector}._domainkey.{domain}";
}

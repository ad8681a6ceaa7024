namespace Milter.Authentication.Dkim;

/// <summary>
/// Thrown by <see cref="DnsDkimPublicKeyLocator"/>'s MimeKit interface when no usable key is published, so that
/// MimeKit verifiers (e.g. ARC) can tell a temporary DNS failure from a permanent one.
/// </summary>
public sealed class DkimKeyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="result"><see cref="DkimResult.TempError"/> or <see cref="DkimResult.PermError"/>.</param>
    /// <param name="message">Why there is no key, e.g. "no key: s._domainkey.example.com does not exist (NXDOMAIN)".</param>
    /// <param name="innerException">The exception that told, if any.</param>
    public DkimKeyException(DkimResult result, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Result = result;
    }

    /// <summary><see cref="DkimResult.TempError"/> (try again later) or <see cref="DkimResult.PermError"/>.</summary>
    public DkimResult Result { get; }
}

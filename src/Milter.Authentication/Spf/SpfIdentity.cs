namespace Milter.Authentication.Spf;

/// <summary>The identity an SPF check authorizes (RFC 7208 sections 2.3 and 2.4).</summary>
public enum SpfIdentity
{
    /// <summary>The HELO/EHLO domain.</summary>
    Helo,
    /// <summary>The MAIL FROM reverse-path, or <c>postmaster@</c> the HELO domain when it is null.</summary>
    MailFrom,
}

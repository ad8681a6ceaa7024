namespace Milter.Authentication.Dmarc;

/// <summary>The <c>psd</c> tag (RFC 9989 section 4.7): whether the record's domain is a Public Suffix Domain.</summary>
public enum DmarcPsd
{
    /// <summary><c>u</c>, the default: not a PSD; may or may not be an Organizational Domain (the tree walk decides).</summary>
    Unspecified,
    /// <summary><c>y</c>: a Public Suffix Domain; the Organizational Domain is one label below it.</summary>
    Yes,
    /// <summary><c>n</c>: not a PSD, and the Organizational Domain for itself and its subdomains.</summary>
    No,
}

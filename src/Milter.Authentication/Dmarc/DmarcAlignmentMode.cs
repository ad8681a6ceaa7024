namespace Milter.Authentication.Dmarc;

/// <summary>Identifier alignment mode, the values of <c>adkim</c> and <c>aspf</c> (RFC 9989 sections 4.4 and 4.7).</summary>
public enum DmarcAlignmentMode
{
    /// <summary><c>r</c>, the default: the identifier and the Author Domain have the same Organizational Domain.</summary>
    Relaxed,
    /// <summary><c>s</c>: the identifier and the Author Domain are identical.</summary>
    Strict,
}

using Milter.Authentication.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace Milter.Authentication.Arc;

/// <summary>The header fields of one instance as found in the message, the first of each kind kept, with how many there were.</summary>
internal sealed class ArcSet(int instance)
{
    public int Instance { get; } = instance;

    public DkimTagList? Seal { get; private set; }
    public int SealCount { get; private set; }

    public Header? MessageSignature { get; private set; }
    public DkimTagList? MessageSignatureTags { get; private set; }
    public int MessageSignatureCount { get; private set; }

    public Header? AuthenticationResultsField { get; private set; }
    public AuthenticationResults? AuthenticationResults { get; private set; }
    public int AuthenticationResultsCount { get; private set; }

    public void AddSeal(DkimTagList tags)
    {
        Seal ??= tags;
        SealCount++;
    }

    public void AddMessageSignature(Header field, DkimTagList tags)
    {
        MessageSignature ??= field;
        MessageSignatureTags ??= tags;
        MessageSignatureCount++;
    }

    public void AddAuthenticationResults(Header field, AuthenticationResults results)
    {
        AuthenticationResultsField ??= field;
        AuthenticationResults ??= results;
        AuthenticationResultsCount++;
    }
}

namespace Milter.Protocol.Handling;

/// <summary>A stage verdict. Use the static members; <see cref="Reply"/> carries a custom SMTP reply.</summary>
public sealed record MilterDecision
{
    private MilterDecision(MilterDecisionKind kind, string? smtpCode, string? enhancedCode, string? text)
    {
        Kind = kind;
        SmtpCode = smtpCode;
        EnhancedCode = enhancedCode;
        Text = text;
    }

    /// <summary>The verdict.</summary>
    public MilterDecisionKind Kind { get; }

    /// <summary>For <see cref="MilterDecisionKind.Reply"/>: the three-digit code, starting 4 or 5.</summary>
    public string? SmtpCode { get; }

    /// <summary>For <see cref="MilterDecisionKind.Reply"/>: the RFC 3463 enhanced status code, e.g. <c>5.7.1</c>.</summary>
    public string? EnhancedCode { get; }

    /// <summary>For <see cref="MilterDecisionKind.Reply"/>: the reply text.</summary>
    public string? Text { get; }

    public static MilterDecision Continue { get; } = new(MilterDecisionKind.Continue, null, null, null);
    public static MilterDecision Accept { get; } = new(MilterDecisionKind.Accept, null, null, null);
    public static MilterDecision Reject { get; } = new(MilterDecisionKind.Reject, null, null, null);
    public static MilterDecision Tempfail { get; } = new(MilterDecisionKind.Tempfail, null, null, null);
    public static MilterDecision Discard { get; } = new(MilterDecisionKind.Discard, null, null, null);
    public static MilterDecision Skip { get; } = new(MilterDecisionKind.Skip, null, null, null);

    /// <summary>A custom SMTP reply (SMFIR_REPLYCODE).</summary>
    /// <param name="smtpCode">Three digits, first 4 or 5.</param>
    /// <param name="enhancedCode">An enhanced status code whose class matches <paramref name="smtpCode"/>, e.g. <c>5.7.26</c>.</param>
    /// <param name="text">Reply text; must not contain CR or LF.</param>
    /// <exception cref="ArgumentException">The code is not 4xx/5xx, the enhanced code's class differs, or the text has line breaks.</exception>
    public static MilterDecision Reply(string smtpCode, string enhancedCode, string text)
    {
        if (smtpCode.Length != 3 || (smtpCode[0] != '4' && smtpCode[0] != '5') || !smtpCode.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"SMTP reply code '{smtpCode}' must be three digits starting with 4 or 5.", nameof(smtpCode));
        }

        if (enhancedCode.Length == 0 || enhancedCode[0] != smtpCode[0])
        {
            throw new ArgumentException($"Enhanced status code '{enhancedCode}' must start with '{smtpCode[0]}'.", nameof(enhancedCode));
        }

        if (text.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("SMTP reply text must be a single line.", nameof(text));
        }

        return new MilterDecision(MilterDecisionKind.Reply, smtpCode, enhancedCode, text);
    }

    /// <inheritdoc />
    public override string ToString() => Kind == MilterDecisionKind.Reply ? $"{SmtpCode} {EnhancedCode} {Text}" : Kind.ToString().ToLowerInvariant();
}

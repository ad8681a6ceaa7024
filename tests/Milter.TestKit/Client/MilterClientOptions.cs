namespace Milter.TestKit.Client;

/// <summary>Behaviour of a <see cref="MilterClient"/>. The defaults imitate Postfix 3.7.</summary>
public sealed class MilterClientOptions
{
    /// <summary>
    /// How long the client waits for a reply; each SMFIR_PROGRESS restarts the wait, as Postfix does.
    /// Defaults to 30 s (Postfix's <c>milter_command_timeout</c>).
    /// </summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Largest reply packet accepted (length prefix value); a larger one is a protocol error. Defaults to 1 MiB + 64 KiB,
    /// enough for an SMFIR_REPLBODY chunk under SMFIP_MDS_1M.
    /// </summary>
    public int MaxReplyLength { get; init; } = (1024 * 1024) + (64 * 1024);

    /// <summary>
    /// MTA-wide macro values, sent whenever the milter (or Postfix's default lists) asks for them. Defaults to
    /// <c>j</c>, <c>{daemon_name}</c>, <c>{daemon_addr}</c>, <c>{daemon_port}</c> and <c>v</c> of a Postfix host
    /// <c>mx.example.test</c>. Keys are written without braces.
    /// </summary>
    public IReadOnlyDictionary<string, string> MtaMacros { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["j"] = "mx.example.test",
        ["daemon_name"] = "mx.example.test",
        ["daemon_addr"] = "192.0.2.25",
        ["daemon_port"] = "25",
        ["v"] = "Postfix 3.7.11",
    };
}

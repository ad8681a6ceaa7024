using Milter.Protocol;

namespace Milter.TestKit.Client;

/// <summary>
/// Postfix's default <c>milter_*_macros</c> lists, used for a stage when the milter sent no SETSYMLIST for it.
/// </summary>
internal static class PostfixMacroDefaults
{
    private static readonly string[] Connect = ["j", "{daemon_name}", "{daemon_addr}", "v", "_"];
    private static readonly string[] Helo = ["{tls_version}", "{cipher}", "{cipher_bits}", "{cert_subject}", "{cert_issuer}"];
    private static readonly string[] Mail = ["i", "{auth_type}", "{auth_authen}", "{auth_author}", "{mail_addr}", "{mail_host}", "{mail_mailer}"];
    private static readonly string[] Recipient = ["i", "{rcpt_addr}", "{rcpt_host}", "{rcpt_mailer}"];
    private static readonly string[] QueueIdOnly = ["i"];

    public static IReadOnlyList<string> For(MacroStage stage) => stage switch
    {
        MacroStage.Connect => Connect,
        MacroStage.Helo => Helo,
        MacroStage.MailFrom => Mail,
        MacroStage.Recipient => Recipient,
        _ => QueueIdOnly,
    };
}

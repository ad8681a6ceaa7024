namespace Milter.TestKit.Client;

/// <summary>The milter broke the protocol (malformed packet, unexpected reply, flag it was not offered); the client is unusable afterwards.</summary>
public sealed class MilterClientProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MilterClientProtocolException(string message)
        : base(message)
    {
    }
}

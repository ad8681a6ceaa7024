namespace Milter.Protocol.Codec;

/// <summary>
/// The MTA broke the wire protocol (bad length, unknown command, malformed data). The connection
/// cannot be trusted any more and is closed; message-level faults never use this type.
/// </summary>
public sealed class MilterProtocolException : Exception
{
    /// <summary>Creates the exception with a description of the violation.</summary>
    public MilterProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a description of the violation and its cause.</summary>
    public MilterProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

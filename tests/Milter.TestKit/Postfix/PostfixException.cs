namespace Milter.TestKit.Postfix;

/// <summary>A private Postfix instance could not be started or queried; the message ends with the tail of its maillog.</summary>
public sealed class PostfixException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PostfixException(string message)
        : base(message)
    {
    }
}

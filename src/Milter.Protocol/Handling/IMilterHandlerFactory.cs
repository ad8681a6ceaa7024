namespace Milter.Protocol.Handling;

/// <summary>Creates one <see cref="IMilterHandler"/> per MTA connection.</summary>
public interface IMilterHandlerFactory
{
    /// <summary>Creates the handler for a newly accepted connection.</summary>
    IMilterHandler Create();
}

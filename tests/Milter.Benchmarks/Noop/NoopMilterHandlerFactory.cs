using Milter.Protocol.Handling;

namespace Milter.Benchmarks.Noop;

/// <summary>Hands out one shared <see cref="NoopMilterHandler"/>: it has no state.</summary>
public sealed class NoopMilterHandlerFactory : IMilterHandlerFactory
{
    private readonly NoopMilterHandler _handler = new();

    public IMilterHandler Create() => _handler;
}

using Milter.Protocol.Handling;

namespace Milter.IntegrationTests.Support;

/// <summary>Creates a <see cref="RecordingHandler"/> per milter connection, all recording into <see cref="Recording"/>.</summary>
/// <param name="endOfMessage">The end-of-message verdict for each recorded message; it may throw to test failure handling.</param>
/// <param name="requirements">The handlers' requirements; null for <see cref="RecordingHandler.DefaultRequirements"/>.</param>
public sealed class RecordingHandlerFactory(Func<RecordedMessage, MilterMessageResult> endOfMessage, MilterHandlerRequirements? requirements = null)
    : IMilterHandlerFactory
{
    private int _created;

    public HandlerRecording Recording { get; } = new();

    /// <summary>How many handlers (milter connections) were created.</summary>
    public int Created => Volatile.Read(ref _created);

    public IMilterHandler Create() =>
        new RecordingHandler(Interlocked.Increment(ref _created), Recording, requirements ?? RecordingHandler.DefaultRequirements, endOfMessage);
}

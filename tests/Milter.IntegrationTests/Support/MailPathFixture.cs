using Milter.Protocol.Handling;
using NUnit.Framework.Interfaces;

namespace Milter.IntegrationTests.Support;

/// <summary>
/// Base of fixtures that run mail through real Postfix: one <see cref="MailPath"/> per fixture, with a
/// <see cref="RecordingHandlerFactory"/> whose end-of-message verdict the fixture chooses. A failed test prints the maillog tail.
/// </summary>
public abstract class MailPathFixture
{
    private MailPath? _path;

    protected MailPath Path => _path ?? throw new InvalidOperationException("The mail path is not running.");

    protected RecordingHandlerFactory Handlers { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartMailPathAsync()
    {
        Handlers = new RecordingHandlerFactory(EndOfMessage);
        _path = await MailPath.StartAsync(Handlers);
    }

    [TearDown]
    public void PrintMaillogOnFailure()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != TestStatus.Passed && _path is not null)
        {
            TestContext.Out.WriteLine($"Postfix maillog ({_path.Postfix.MaillogPath}), last lines:\n{_path.Postfix.MaillogTail()}");
        }
    }

    [OneTimeTearDown]
    public async Task StopMailPathAsync()
    {
        if (_path is not null)
        {
            await _path.DisposeAsync();
        }
    }

    /// <summary>The handler's end-of-message answer for a message.</summary>
    protected abstract MilterMessageResult EndOfMessage(RecordedMessage message);
}

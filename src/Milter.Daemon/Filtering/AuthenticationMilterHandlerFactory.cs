using Microsoft.Extensions.Logging;
using Milter.Daemon.Configuration;
using Milter.Protocol.Handling;

namespace Milter.Daemon.Filtering;

/// <summary>Creates an <see cref="AuthenticationMilterHandler"/> per MTA connection.</summary>
internal sealed class AuthenticationMilterHandlerFactory : IMilterHandlerFactory
{
    private readonly MilterSettings _settings;
    private readonly ILogger _logger;

    public AuthenticationMilterHandlerFactory(MilterSettings settings, ILoggerFactory loggerFactory)
    {
        _settings = settings;
        _logger = loggerFactory.CreateLogger("authmilter");
    }

    public IMilterHandler Create() => new AuthenticationMilterHandler(_settings, _logger);
}

using Microsoft.Extensions.Logging;
using Milter.Authentication.Spf;
using Milter.Daemon.Configuration;
using Milter.Dns;
using Milter.Protocol.Handling;

namespace Milter.Daemon.Filtering;

/// <summary>Creates an <see cref="AuthenticationMilterHandler"/> per MTA connection; the checks behind it are shared.</summary>
internal sealed class AuthenticationMilterHandlerFactory : IMilterHandlerFactory
{
    private readonly MilterSettings _settings;
    private readonly SpfPolicy? _spf;
    private readonly ILogger _logger;

    public AuthenticationMilterHandlerFactory(MilterSettings settings, IDnsResolver resolver, ILoggerFactory loggerFactory)
    {
        _settings = settings;
        _logger = loggerFactory.CreateLogger("authmilter");
        if (settings.SpfMode != SpfMode.Off)
        {
            var checker = new SpfChecker(resolver, new SpfOptions { ReceiverName = settings.AuthservId });
            _spf = new SpfPolicy(checker, settings);
        }
    }

    public IMilterHandler Create() => new AuthenticationMilterHandler(_settings, _spf, _logger);
}

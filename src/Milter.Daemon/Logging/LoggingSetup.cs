using Milter.Daemon.Configuration;
using NLog.Config;
using NLog.Targets;
using NLog.Targets.Wrappers;

namespace Milter.Daemon.Logging;

/// <summary>Builds the NLog configuration from <c>LogTarget</c>, <c>LogLevel</c>, <c>LogFile</c> and <c>SyslogFacility</c>.</summary>
internal static class LoggingSetup
{
    public static LoggingConfiguration Create(MilterSettings settings)
    {
        var config = new LoggingConfiguration();
        Target target = settings.LogTarget switch
        {
            // syslog and the journal stamp time and process themselves.
            "syslog" => new SyslogTarget(settings.SyslogFacility, "authmilter") { Layout = "${level:uppercase=true}: ${message}${onexception:inner=: ${exception:format=tostring}}" },
            "file" => new FileTarget("file")
            {
                FileName = settings.LogFile,
                Layout = "${longdate} ${level:uppercase=true} ${logger}: ${message}${onexception:inner=: ${exception:format=tostring}}",
                KeepFileOpen = true,
            },
            _ => new ConsoleTarget("console")
            {
                Layout = "${longdate} ${level:uppercase=true} ${logger}: ${message}${onexception:inner=: ${exception:format=tostring}}",
            },
        };

        // Logging must never hold up a milter reply: events are queued and written by a background thread.
        var async = new AsyncTargetWrapper(target) { OverflowAction = AsyncTargetWrapperOverflowAction.Discard, QueueLimit = 10_000 };
        var minimum = settings.LogLevel switch
        {
            "trace" => NLog.LogLevel.Trace,
            "debug" => NLog.LogLevel.Debug,
            "warn" => NLog.LogLevel.Warn,
            "error" => NLog.LogLevel.Error,
            _ => NLog.LogLevel.Info,
        };

        // Framework chatter (hosting lifetime) stays at warnings unless the admin asks for a trace.
        var framework = minimum == NLog.LogLevel.Trace ? minimum : NLog.LogLevel.FromOrdinal(Math.Max(minimum.Ordinal, NLog.LogLevel.Warn.Ordinal));
        config.AddRule(framework, NLog.LogLevel.Fatal, async, "Microsoft.*", final: true);
        config.AddRule(minimum, NLog.LogLevel.Fatal, async);
        return config;
    }
}

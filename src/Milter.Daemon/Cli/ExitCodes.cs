namespace Milter.Daemon.Cli;

/// <summary>Process exit codes, from sysexits.h where one fits, so systemd and scripts can tell failures apart.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A runtime failure (e.g. the socket cannot be bound).</summary>
    public const int Failure = 1;

    /// <summary>EX_USAGE: the command line is wrong.</summary>
    public const int Usage = 64;

    /// <summary>EX_TEMPFAIL: a temporary failure (e.g. the report store is unavailable); an MTA delivering to a pipe retries later.</summary>
    public const int TempFail = 75;

    /// <summary>EX_CONFIG: the configuration is wrong.</summary>
    public const int Config = 78;
}

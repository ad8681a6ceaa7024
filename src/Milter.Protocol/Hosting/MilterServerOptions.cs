using Milter.Protocol.Session;

namespace Milter.Protocol.Hosting;

/// <summary>Listener limits and unix-socket settings of a <see cref="MilterServer"/>.</summary>
public sealed class MilterServerOptions
{
    private readonly int _maxConnections = 1024;
    private readonly TimeSpan _shutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most MTA connections served at once; further connections wait in the listen backlog until one ends.
    /// Defaults to 1,024 (Postfix opens one per smtpd process; its default process limit is 100).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int MaxConnections
    {
        get => _maxConnections;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxConnections = value;
        }
    }

    /// <summary>
    /// How long a stop waits for messages in progress to finish before closing their connections
    /// (the MTA then applies its default action). Defaults to 30 s.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ShutdownTimeout
    {
        get => _shutdownTimeout;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _shutdownTimeout = value;
        }
    }

    /// <summary>Permissions of a unix socket. Defaults to 0660 (owner and group: the MTA's group must be able to connect).</summary>
    public UnixFileMode SocketMode { get; init; } =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>Owner of a unix socket as <c>user</c>, <c>user:group</c> or <c>:group</c> (names or numeric ids); null keeps the process's.</summary>
    public string? SocketOwner { get; init; }

    /// <summary>Per-connection protocol limits.</summary>
    public MilterSessionOptions Session { get; init; } = new();
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Milter.TestKit.Postfix;

/// <summary>
/// A private Postfix (3.4 or later) in a fresh directory under <see cref="PostfixInstanceOptions.BaseDirectory"/>: its own main.cf and master.cf, queue and data
/// directories, and a maillog file written by postlogd (no syslog). smtpd listens on a free port of 127.0.0.1,
/// every message goes through <see cref="PostfixInstanceOptions.Milters"/> and is relayed to
/// <see cref="PostfixInstanceOptions.Relay"/>; nothing is delivered locally. Needs root (master drops to user postfix).
/// </summary>
/// <remarks>
/// Instances in different directories with different ports run side by side. Disposing stops the mail system,
/// waits for the master process to exit and deletes the directory.
/// </remarks>
public sealed partial class PostfixInstance : IAsyncDisposable
{
    private const int StartAttempts = 3;
    private const int MaillogTailLines = 40;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly PostfixInstanceOptions _options;
    private bool _started;
    private int _masterPid;
    private bool _disposed;

    private PostfixInstance(string directory, PostfixInstanceOptions options)
    {
        Directory = directory;
        _options = options;
    }

    /// <summary>The instance's root directory (config in <c>etc</c>, queue in <c>queue</c>, log in <c>log</c>).</summary>
    public string Directory { get; }

    /// <summary>The <c>config_directory</c>, for <c>postfix -c</c>, <c>postqueue -c</c> and <c>postsuper -c</c>.</summary>
    public string ConfigDirectory => Path.Combine(Directory, "etc");

    /// <summary>The maillog file.</summary>
    public string MaillogPath => Path.Combine(Directory, "log", "maillog");

    /// <summary>Where smtpd listens.</summary>
    public IPEndPoint SmtpEndPoint { get; private set; } = null!;

    /// <summary>
    /// Creates the instance and starts it with <c>postfix -c DIR start</c>, which runs <c>postfix check</c> (creating the
    /// queue directories with their owners) and waits until master is listening; then waits for master's first log line.
    /// </summary>
    /// <exception cref="PostfixException">
    /// Not running as root, or Postfix failed to start (the message has postfix's output and the maillog tail).
    /// </exception>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public static async Task<PostfixInstance> StartAsync(PostfixInstanceOptions options, CancellationToken cancellationToken = default)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new PostfixException("A private Postfix instance must be started as root (master binds and drops to user postfix).");
        }

        var directory = Path.Combine(options.BaseDirectory, "authmilter-postfix-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var instance = new PostfixInstance(directory, options);
        try
        {
            await instance.StartCoreAsync(cancellationToken).ConfigureAwait(false);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The whole maillog so far (empty before the first line is written).</summary>
    public string ReadMaillog()
    {
        try
        {
            using var stream = new FileStream(MaillogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return string.Empty;
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of the maillog, for failure messages.</summary>
    public string MaillogTail(int lines = MaillogTailLines) =>
        string.Join('\n', ReadMaillog().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));

    /// <summary>Polls the maillog until a line matches <paramref name="pattern"/> and returns that line (the first such).</summary>
    /// <exception cref="TimeoutException">No line matched within <paramref name="timeout"/>; the message has the maillog tail.</exception>
    public async Task<string> WaitForMaillogAsync(Regex pattern, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var line = ReadMaillog().Split('\n').FirstOrDefault(pattern.IsMatch);
            if (line is not null)
            {
                return line;
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"No maillog line matched /{pattern}/ within {timeout}.\n{MaillogTail()}");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lists the queue with <c>postqueue -j</c>; held (quarantined) messages are in queue <c>hold</c>.</summary>
    /// <exception cref="PostfixException">postqueue failed or printed something that is not queue JSON.</exception>
    public async Task<IReadOnlyList<PostfixQueueEntry>> ListQueueAsync(CancellationToken cancellationToken = default)
    {
        var output = await RunCheckedAsync("postqueue", ["-c", ConfigDirectory, "-j"], cancellationToken).ConfigureAwait(false);
        var entries = new List<PostfixQueueEntry>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                entries.Add(JsonSerializer.Deserialize<PostfixQueueEntry>(line)
                    ?? throw new JsonException("null entry"));
            }
            catch (JsonException exception)
            {
                throw new PostfixException($"postqueue -j printed an unreadable line '{line}': {exception.Message}");
            }
        }

        return entries;
    }

    /// <summary>Stops Postfix, waits for its master process to exit, and deletes the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_started)
        {
            await RunAsync("postfix", ["-c", ConfigDirectory, "stop"], CancellationToken.None).ConfigureAwait(false);
        }

        if (_masterPid != 0)
        {
            var started = Stopwatch.GetTimestamp();
            while (IsRunning(_masterPid) && Stopwatch.GetElapsedTime(started) < StopTimeout)
            {
                await Task.Delay(PollInterval).ConfigureAwait(false);
            }

            if (IsRunning(_masterPid))
            {
                try
                {
                    using var master = Process.GetProcessById(_masterPid);
                    master.Kill(entireProcessTree: true);
                }
                catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
                {
                    // It exited after all.
                }
            }
        }

        // Daemons exit shortly after master; one may still create a file while the tree is being removed.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
                return;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException && attempt < 20)
            {
                await Task.Delay(PollInterval * 2).ConfigureAwait(false);
            }
        }
    }

    [GeneratedRegex(@"postfix/master\[(\d+)\]: daemon started")]
    private static partial Regex MasterStarted();

    private static bool IsRunning(int pid)
    {
        // The master daemonizes, so it is not our child: a zombie left for init still has /proc/PID (state Z).
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        var state = stat.AsSpan(stat.LastIndexOf(')') + 1).TrimStart();
        return state.Length > 0 && state[0] is not ('Z' or 'X');
    }

    private static int PickFreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Private Postfix instances run on Linux only.");
        }

        // Daemons running as postfix must reach the queue below the instance directory, whatever the umask.
        File.SetUnixFileMode(
            Directory,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        System.IO.Directory.CreateDirectory(ConfigDirectory);
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "queue"));
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(MaillogPath)!);
        await File.WriteAllTextAsync(Path.Combine(ConfigDirectory, "main.cf"), MainCf(), cancellationToken).ConfigureAwait(false);

        for (var attempt = 1; ; attempt++)
        {
            // The port is free now but not reserved: another process may take it before master binds it.
            SmtpEndPoint = new IPEndPoint(IPAddress.Loopback, PickFreePort());
            await File.WriteAllTextAsync(Path.Combine(ConfigDirectory, "master.cf"), MasterCf(SmtpEndPoint.Port), cancellationToken).ConfigureAwait(false);

            // postfix reports configuration errors that stop it early only on a terminal stderr (not in the maillog),
            // so it runs under script(1), which gives it a pseudo-terminal and returns its exit code.
            var command = $"postfix -c '{ConfigDirectory.Replace("'", "'\\''", StringComparison.Ordinal)}' start";
            var (exitCode, output) = await RunAsync("script", ["-qec", command, "/dev/null"], cancellationToken).ConfigureAwait(false);
            if (exitCode == 0)
            {
                _started = true;

                // master.pid is locked by master, and .NET asks for a lock on every open; master logs its pid too.
                var started = await WaitForMaillogAsync(MasterStarted(), _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
                _masterPid = int.Parse(MasterStarted().Match(started).Groups[1].ValueSpan, CultureInfo.InvariantCulture);
                return;
            }

            if (attempt == StartAttempts || !(output + ReadMaillog()).Contains("Address already in use", StringComparison.Ordinal))
            {
                throw new PostfixException($"postfix -c {ConfigDirectory} start exited with {exitCode}: {output.Trim()}\nmaillog:\n{MaillogTail()}");
            }
        }
    }

    private string MainCf()
    {
        var queue = Path.Combine(Directory, "queue");
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["compatibility_level"] = "3.6",
            ["queue_directory"] = queue,
            ["data_directory"] = Path.Combine(Directory, "data"),
            ["mail_owner"] = "postfix",
            ["setgid_group"] = "postdrop",
            ["maillog_file"] = MaillogPath,
            ["maillog_file_prefixes"] = Path.GetDirectoryName(MaillogPath)!,
            ["myhostname"] = "mx.authmilter.test",
            ["mydomain"] = "authmilter.test",
            ["inet_interfaces"] = "127.0.0.1",
            ["inet_protocols"] = "ipv4",

            // Nothing is delivered locally; every domain is relayed to the sink. smtpd listens on loopback only,
            // so letting every client relay (XCLIENT may present any address) opens nothing.
            ["mydestination"] = string.Empty,
            ["local_transport"] = "error:local delivery is disabled",
            ["local_recipient_maps"] = string.Empty,
            ["alias_maps"] = string.Empty,
            ["alias_database"] = string.Empty,
            ["mynetworks"] = "0.0.0.0/0",
            ["smtpd_relay_restrictions"] = "permit_mynetworks, reject",
            ["relayhost"] = $"[{_options.Relay.Address}]:{_options.Relay.Port.ToString(CultureInfo.InvariantCulture)}",
            ["smtp_host_lookup"] = "native",
            ["smtp_dns_support_level"] = "disabled",

            ["smtpd_authorized_xclient_hosts"] = "127.0.0.0/8",
            ["smtpd_peername_lookup"] = "no",

            ["smtpd_milters"] = _options.Milters,
            ["milter_protocol"] = "6",
            ["milter_default_action"] = _options.MilterDefaultAction,
            ["milter_connect_macros"] = "j {daemon_name} {daemon_addr} {client_addr} {client_name} v _",
            ["milter_helo_macros"] = "{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer}",
            ["milter_mail_macros"] = "i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} {mail_mailer}",
            ["milter_rcpt_macros"] = "i {rcpt_addr} {rcpt_host} {rcpt_mailer}",
            ["milter_end_of_header_macros"] = "i",
            ["milter_end_of_data_macros"] = "i",

            // Test speed: no pause after client errors or under inflow, quick retries of deferred mail.
            ["smtpd_error_sleep_time"] = "0",
            ["smtpd_soft_error_limit"] = "100",
            ["smtpd_hard_error_limit"] = "200",
            ["in_flow_delay"] = "0",
            ["queue_run_delay"] = "1s",
            ["minimal_backoff_time"] = "1s",
            ["maximal_backoff_time"] = "2s",
        };
        foreach (var (name, value) in _options.MainSettings)
        {
            settings[name] = value;
        }

        var text = new StringBuilder("# Written by Milter.TestKit PostfixInstance.\n");
        foreach (var (name, value) in settings)
        {
            text.Append(name).Append(" = ").Append(value).Append('\n');
        }

        return text.ToString();
    }

    private static string MasterCf(int smtpPort) =>
        $"""
        # Written by Milter.TestKit PostfixInstance. No chroot, so paths are the same inside every daemon.
        127.0.0.1:{smtpPort.ToString(CultureInfo.InvariantCulture)} inet n - n - - smtpd
        cleanup   unix  n - n - 0 cleanup
        qmgr      unix  n - n 300 1 qmgr
        rewrite   unix  - - n - - trivial-rewrite
        bounce    unix  - - n - 0 bounce
        defer     unix  - - n - 0 bounce
        trace     unix  - - n - 0 bounce
        verify    unix  - - n - 1 verify
        proxymap  unix  - - n - - proxymap
        smtp      unix  - - n - - smtp
        relay     unix  - - n - - smtp
        showq     unix  n - n - - showq
        error     unix  - - n - - error
        retry     unix  - - n - - error
        discard   unix  - - n - - discard
        anvil     unix  - - n - 1 anvil
        scache    unix  - - n - 1 scache
        postlog   unix-dgram n - n - 1 postlogd

        """;

    private async Task<string> RunCheckedAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync(program, arguments, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new PostfixException($"{program} {string.Join(' ', arguments)} exited with {exitCode}: {output.Trim()}\nmaillog:\n{MaillogTail()}");
        }

        return output;
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await ExternalCommand.RunAsync(program, arguments, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            throw new PostfixException($"{exception.Message}\nmaillog:\n{MaillogTail()}");
        }
    }
}

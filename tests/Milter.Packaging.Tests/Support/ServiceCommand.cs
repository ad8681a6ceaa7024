using Milter.TestKit.Daemon;

namespace Milter.Packaging.Tests.Support;

/// <summary>
/// Starts a daemon as its systemd unit would where systemd is not running: the unit's <c>ExecStart</c> as its
/// <c>User</c> and <c>Group</c> with their supplementary groups and, for <c>NoNewPrivileges=yes</c>, no new
/// privileges (util-linux <c>setpriv</c>, which executes the command in place, so signals reach the daemon itself).
/// </summary>
public static class ServiceCommand
{
    /// <summary>Starts the <c>[Service]</c> of <paramref name="unit"/>.</summary>
    public static DaemonProcess Start(SystemdUnit unit)
    {
        string[] privileges = [$"--reuid={unit.Value("Service", "User")}", $"--regid={unit.Value("Service", "Group")}", "--init-groups"];
        return DaemonProcess.StartCommand("setpriv", [
            .. privileges,
            .. unit.Value("Service", "NoNewPrivileges") == "yes" ? ["--no-new-privs"] : Array.Empty<string>(),
            "--",
            .. unit.Value("Service", "ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries),
        ]);
    }
}

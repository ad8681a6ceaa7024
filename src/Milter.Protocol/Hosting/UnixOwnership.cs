using System.Globalization;
using System.Runtime.InteropServices;

namespace Milter.Protocol.Hosting;

/// <summary>Sets the owner of a unix socket from <c>user</c>, <c>user:group</c> or <c>:group</c> (names or numeric ids).</summary>
internal static partial class UnixOwnership
{
    private const uint Unchanged = uint.MaxValue;

    /// <exception cref="ArgumentException">A user or group name is unknown.</exception>
    /// <exception cref="IOException">chown failed (e.g. not running as root).</exception>
    public static void Change(string path, string owner)
    {
        var colon = owner.IndexOf(':');
        var user = colon < 0 ? owner : owner[..colon];
        var group = colon < 0 ? string.Empty : owner[(colon + 1)..];
        var uid = user.Length == 0 ? Unchanged : Resolve(user, "user", name => GetPwNam(name), offset: 16);
        var gid = group.Length == 0 ? Unchanged : Resolve(group, "group", name => GetGrNam(name), offset: 16);
        if (Chown(path, uid, gid) != 0)
        {
            throw new IOException($"Cannot change the owner of {path} to '{owner}': errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    // struct passwd and struct group both start with two char* (name, password) followed by the 32-bit id.
    private static uint Resolve(string text, string kind, Func<string, IntPtr> lookup, int offset)
    {
        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return id;
        }

        var entry = lookup(text);
        if (entry == IntPtr.Zero)
        {
            throw new ArgumentException($"Unknown {kind} '{text}'.");
        }

        return (uint)Marshal.ReadInt32(entry, IntPtr.Size == 8 ? offset : offset / 2);
    }

    [LibraryImport("libc", EntryPoint = "getpwnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetPwNam(string name);

    [LibraryImport("libc", EntryPoint = "getgrnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetGrNam(string name);

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Chown(string path, uint owner, uint group);
}

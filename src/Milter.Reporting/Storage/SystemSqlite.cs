using System.Reflection;
using System.Runtime.InteropServices;

namespace Milter.Reporting.Storage;

/// <summary>
/// Points Microsoft.Data.Sqlite at the system's SQLite library. SQLitePCLRaw's provider asks for "sqlite3", which
/// only the -dev package's libsqlite3.so symlink answers; a Debian machine has libsqlite3.so.0 from libsqlite3-0
/// (a dependency of the .deb), the library the distribution keeps patched.
/// </summary>
internal static class SystemSqlite
{
    private const string SonameLinux = "libsqlite3.so.0";
    private static int _registered;

    /// <summary>Registers the library lookup once per process; later calls do nothing.</summary>
    public static void Use()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_sqlite3).Assembly, Resolve);
    }

    // Zero falls back to the runtime's own probing (libsqlite3.so, sqlite3.dll…).
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == "sqlite3" && OperatingSystem.IsLinux() && NativeLibrary.TryLoad(SonameLinux, assembly, searchPath, out var handle)
            ? handle
            : IntPtr.Zero;
}

using Milter.Packaging.Tests.Support;

namespace Milter.Packaging.Tests;

/// <summary>Removes the package built during the run.</summary>
[SetUpFixture]
public class PackagingSetup
{
    [OneTimeTearDown]
    public void DeletePackage()
    {
        if (Directory.Exists(DebPackage.Directory))
        {
            Directory.Delete(DebPackage.Directory, recursive: true);
        }
    }
}

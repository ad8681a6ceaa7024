using System.Text.RegularExpressions;
using Milter.ConfGen;
using Milter.Daemon.Configuration;
using Milter.Packaging.Tests.Support;
using Milter.TestKit.Daemon;

namespace Milter.Packaging.Tests;

/// <summary>
/// The sidecar image, checked statically (no Docker engine runs in CI): the properties hadolint and a reviewer
/// would look for, and agreement between the Dockerfile, the configuration it bakes in and the compose example.
/// The publish the image copies is packaging/publish.sh, which the .deb test runs.
/// </summary>
public partial class DockerImageTests
{
    private static readonly Dockerfile Image = Dockerfile.Read(Repository.PathOf("packaging", "docker", "Dockerfile"));

    private static IReadOnlyList<DockerInstruction> Final => Image.Stages[^1];

    [Test]
    public void Dockerfile_BuildsInOneStageAndRunsFromAnother()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Image.Stages, Has.Count.GreaterThanOrEqualTo(2));
            Assert.That(Image.Stages[0][0].Arguments, Does.Contain("/dotnet/sdk:").And.EndsWith(" AS build"));
            Assert.That(Final[0].Arguments, Does.Contain("/dotnet/runtime-deps:"));
            Assert.That(Final.Where(i => i.Keyword == "COPY").Select(i => i.Arguments), Has.All.StartWith("--from=build "));
        });
    }

    [Test]
    public void Dockerfile_PinsEveryBaseImageToAPatchVersion()
    {
        var images = Image.Stages.Select(s => s[0].Arguments.Split(' ').First(w => !w.StartsWith("--", StringComparison.Ordinal))).ToArray();

        Assert.That(images, Has.All.Matches(PinnedImage()));
    }

    [Test]
    public void Dockerfile_RunsAsANumericNonRootUser()
    {
        var user = Final.Last(i => i.Keyword == "USER").Arguments;

        Assert.That(user, Does.Match(@"^[1-9][0-9]*(:[1-9][0-9]*)?$"));
    }

    [Test]
    public void Dockerfile_AddsNothingFromTheNetwork()
    {
        var adds = Image.Stages.SelectMany(s => s).Where(i => i.Keyword == "ADD");

        Assert.That(adds.Select(i => i.Arguments), Has.None.Contains("://"));
    }

    [Test]
    public void Dockerfile_BakesInAConfigurationListeningOnTheExposedPort()
    {
        var publish = Image.Stages[0].Single(i => i.Keyword == "RUN" && i.Arguments.Contains("packaging/publish.sh", StringComparison.Ordinal));
        var socket = SocketSetting().Match(publish.Arguments).Groups[1].Value;

        var settings = MilterConfigFile.Parse("milter.conf", MilterConfTemplate.Render([new("Socket", socket)]).Split('\n'));

        Assert.Multiple(() =>
        {
            Assert.That(settings.Socket.Text, Is.EqualTo($"inet:{ExposedPort()}@0.0.0.0"));
            Assert.That(settings.LogTarget, Is.EqualTo("console"), "logs to stdout");
            Assert.That(Final.Single(i => i.Keyword == "CMD").Arguments, Is.EqualTo("""["--config", "/etc/authmilter/milter.conf"]"""));
            Assert.That(Final.Where(i => i.Keyword == "COPY").Select(i => i.Arguments), Has.Some.EqualTo("--from=build /out/milter.conf /etc/authmilter/milter.conf"));
        });
    }

    [Test]
    public void Dockerfile_HealthCheckConnectsToTheExposedPort()
    {
        var check = Final.Single(i => i.Keyword == "HEALTHCHECK").Arguments;

        Assert.That(check, Does.EndWith($"""CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/{ExposedPort()}"]"""));
    }

    [Test]
    public async Task Compose_MountsAValidConfigurationThatPostfixReaches()
    {
        var compose = File.ReadAllText(Repository.PathOf("packaging", "docker", "compose.yaml"));
        var config = Repository.PathOf("packaging", "docker", "milter.conf");
        await using var check = DaemonProcess.Start(null, "--config", config, "--check");

        var exitCode = await check.WaitForExitAsync(TimeSpan.FromSeconds(60));

        var port = ExposedPort();
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, check.Output);
            Assert.That(MilterConfigFile.Load(config).Socket.Text, Is.EqualTo($"inet:{port}@0.0.0.0"));
            Assert.That(compose, Does.Contain("dockerfile: packaging/docker/Dockerfile"));
            Assert.That(compose, Does.Contain("- ./milter.conf:/etc/authmilter/milter.conf:ro"));
            Assert.That(compose, Does.Contain($"'smtpd_milters = inet:authmilter:{port}'"));
            Assert.That(compose, Does.Contain("COPY contrib/postfix/main.cf "));
        });
    }

    private static string ExposedPort() => Final.Single(i => i.Keyword == "EXPOSE").Arguments;

    // registry/name:MAJOR.MINOR.PATCH[-variant]: a moving tag such as "latest" or "10.0" is not pinned.
    [GeneratedRegex(@"^[a-z0-9./-]+:\d+\.\d+\.\d+(-[a-z0-9.-]+)?$")]
    private static partial Regex PinnedImage();

    [GeneratedRegex(@"--set Socket=(\S+)")]
    private static partial Regex SocketSetting();
}

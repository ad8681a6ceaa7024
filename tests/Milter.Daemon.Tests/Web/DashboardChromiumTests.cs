using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Daemon.Configuration;
using Milter.Daemon.Web;
using Milter.Reporting.Storage;
using Milter.TestKit.Browser;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Web;

/// <summary>
/// The dashboard served from a real SQLite report store and rendered by headless Chromium (Debian package
/// <c>chromium</c>; CI installs it). Chromium's DOM is what a user's browser builds: numbers, a failing IP, the
/// delivery status, and no script from a report ever turning into an element.
/// </summary>
[Category("Chromium")]
[NonParallelizable]
public partial class DashboardChromiumTests
{
    private string _directory = null!;
    private SqliteReportStore _store = null!;
    private HttpEndpointService _service = null!;
    private HeadlessChromium _chromium = null!;
    private Uri _address = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _chromium = new HeadlessChromium(timeout: TimeSpan.FromSeconds(90));
        _directory = Directory.CreateTempSubdirectory("dashboard-test-").FullName;
        _store = new SqliteReportStore(Path.Combine(_directory, "reports.db"));
        await _store.MigrateAsync(CancellationToken.None);
        await DashboardTestData.FillAsync(_store);
        var settings = new MilterSettings { HttpListen = new IPEndPoint(IPAddress.Loopback, 0) };
        _service = new HttpEndpointService(settings, new DaemonMetricSources(), [HealthCheck.ReportStore(_store)], _store,
            new FixedTimeProvider(DashboardTestData.Now), NullLoggerFactory.Instance);
        await _service.StartAsync(CancellationToken.None);
        _address = _service.BaseAddress!;
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        await _service.StopAsync(CancellationToken.None);
        await _service.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task DomainPage_InChromium_ShowsTotalsFailingSourcesAndDeliveries()
    {
        var dom = await _chromium.DumpDomAsync(new Uri(_address, "/domain/example.com"));

        Assert.Multiple(() =>
        {
            Assert.That(MetricValue(dom, "messages"), Is.EqualTo("58"));
            Assert.That(MetricValue(dom, "compliant"), Is.EqualTo("50"));
            Assert.That(MetricValue(dom, "quarantined"), Is.EqualTo("3"));
            Assert.That(MetricValue(dom, "rejected"), Is.EqualTo("5"));
            Assert.That(MetricValue(dom, "spf-pass"), Is.EqualTo("40"));
            Assert.That(MetricValue(dom, "spf-fail"), Is.EqualTo("18"));
            Assert.That(MetricValue(dom, "dkim-pass"), Is.EqualTo("50"));
            Assert.That(MetricValue(dom, "dkim-fail"), Is.EqualTo("8"));
            Assert.That(dom, Does.Match("<tr data-ip=\"198\\.51\\.100\\.7\"><td class=\"ip\">198\\.51\\.100\\.7</td><td class=\"num\" data-column=\"failed\">5</td>"));
            Assert.That(dom, Does.Contain("<tr data-ip=\"203.0.113.9\">"));
            Assert.That(dom, Does.Not.Contain("data-ip=\"192.0.2.10\""), "a source that never failed is not a failing source");
            Assert.That(dom, Does.Match("<g class=\"day\" data-day=\"2026-11-18\" data-passed=\"40\" data-failed=\"5\">"));
            Assert.That(dom, Does.Match("<g class=\"day\" data-day=\"2026-11-19\" data-passed=\"10\" data-failed=\"3\">"));
            Assert.That(dom, Does.Match("data-status=\"sent\">.*mailto:dmarc@rua\\.example\\.net"));
            Assert.That(dom, Does.Match("data-status=\"pending\">.*mailto:reports@slow\\.example\\.org.*data-column=\"attempts\">3<.*451 4\\.3\\.0 &lt;try&gt; later"));
            Assert.That(dom, Does.Contain("<td class=\"org\">google.com</td>"));
        });
    }

    [Test]
    public async Task DomainPage_HostileReportFields_StayTextInChromium()
    {
        var dom = await _chromium.DumpDomAsync(new Uri(_address, "/domain/example.com"));

        Assert.Multiple(() =>
        {
            Assert.That(dom, Does.Not.Contain("<script"), "no script element was created");
            Assert.That(dom, Does.Not.Contain("<img"), "no image element was created");
            Assert.That(dom, Does.Contain("&lt;script&gt;document.title='pwned'&lt;/script&gt;Evil Org"));
            Assert.That(dom, Does.Contain("&lt;img src=x onerror=alert(1)&gt;"));
            Assert.That(dom, Does.Contain("<title>DMARC reports for example.com — authmilter</title>"));
        });
    }

    [Test]
    public async Task IndexPage_InChromium_ListsTheDomainWithItsTotalsAndLink()
    {
        var dom = await _chromium.DumpDomAsync(new Uri(_address, "/?days=30"));

        Assert.Multiple(() =>
        {
            Assert.That(dom, Does.Contain("<tr data-domain=\"example.com\"><td><a href=\"/domain/example.com?days=30\">example.com</a></td>"));
            Assert.That(dom, Does.Contain("<td class=\"num\" data-column=\"messages\">58</td>"));
            Assert.That(dom, Does.Contain("<td class=\"num\" data-column=\"compliant\">50 (86.2 %)</td>"));
            Assert.That(dom, Does.Contain("value=\"30\""));
        });
    }

    [Test]
    public async Task DomainPage_Screenshot_PngOfTheRequestedSizeShowingTheChart()
    {
        var path = Path.Combine(_directory, "domain.png");

        await _chromium.ScreenshotAsync(new Uri(_address, "/domain/example.com"), path, 1024, 900);
        var image = PngImage.Load(path);

        Assert.Multiple(() =>
        {
            Assert.That((image.Width, image.Height), Is.EqualTo((1024, 900)));
            Assert.That(image.CountDistinctColours(), Is.GreaterThan(16), "a blank page has one colour; text and the chart many");
            Assert.That(ContainsColour(image, 0x2e, 0x8b, 0x57), Is.True, "the green pass bars are drawn");
            Assert.That(ContainsColour(image, 0xc0, 0x39, 0x2b), Is.True, "the red fail bars are drawn");
        });
    }

    [Test]
    public async Task IndexPage_Screenshot_IhdrHoldsTheRequestedSize()
    {
        var path = Path.Combine(_directory, "size.png");
        await _chromium.ScreenshotAsync(new Uri(_address, "/"), path, 640, 480);
        var bytes = File.ReadAllBytes(path);

        Assert.Multiple(() =>
        {
            Assert.That(bytes.AsSpan(12, 4).ToArray(), Is.EqualTo("IHDR"u8.ToArray()));
            Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)), Is.EqualTo(640));
            Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20)), Is.EqualTo(480));
        });
    }

    private static string? MetricValue(string dom, string metric)
    {
        var match = Regex.Match(dom, "data-metric=\"" + Regex.Escape(metric) + "\"><span class=\"value\">([^<]*)</span>");
        return match.Success ? match.Groups[1].Value : null;
    }

    private static bool ContainsColour(PngImage image, byte red, byte green, byte blue)
    {
        for (var i = 0; i + 2 < image.Pixels.Length; i += image.BytesPerPixel)
        {
            if (image.Pixels[i] == red && image.Pixels[i + 1] == green && image.Pixels[i + 2] == blue)
            {
                return true;
            }
        }

        return false;
    }
}

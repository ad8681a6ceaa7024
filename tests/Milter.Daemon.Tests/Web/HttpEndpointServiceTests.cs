using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Milter.Daemon.Configuration;
using Milter.Daemon.Web;
using Milter.Dns;
using Milter.Reporting.Storage;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Web;

public class HttpEndpointServiceTests
{
    private readonly List<HttpEndpointService> _services = [];
    private HttpClient _http = null!;

    [SetUp]
    public void SetUp() => _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

    [TearDown]
    public async Task TearDown()
    {
        _http.Dispose();
        foreach (var service in _services)
        {
            await service.StopAsync(CancellationToken.None);
            await service.DisposeAsync();
        }

        _services.Clear();
    }

    [Test]
    public async Task StartAsync_HttpListenUnset_ListensNowhere()
    {
        var service = new HttpEndpointService(new MilterSettings(), new DaemonMetricSources(), [], null, TimeProvider.System, NullLoggerFactory.Instance);
        _services.Add(service);

        await service.StartAsync(CancellationToken.None);

        Assert.That(service.BaseAddress, Is.Null);
    }

    [Test]
    public async Task StartAsync_PortInUse_ThrowsIOException()
    {
        var first = await StartAsync(new DaemonMetricSources(), []);
        var taken = new IPEndPoint(IPAddress.Loopback, first.Port);
        var second = new HttpEndpointService(new MilterSettings { HttpListen = taken }, new DaemonMetricSources(), [], null, TimeProvider.System, NullLoggerFactory.Instance);
        _services.Add(second);

        Assert.That(() => second.StartAsync(CancellationToken.None), Throws.InstanceOf<IOException>());
    }

    [Test]
    public async Task Metrics_MeasurementsAndSources_ServedInTextFormat()
    {
        var sources = new DaemonMetricSources
        {
            DnsStatistics = () => new DnsCacheStatistics(Queries: 120, CacheHits: 90, UpstreamRequests: 28, TemporaryErrors: 4, CoalescedWaits: 2, Evictions: 0, Entries: 50),
            ActiveConnections = () => 3,
            ReportQueueDepth = () => 7,
            HistoryWritten = () => 100,
            HistoryDropped = () => 2,
        };
        var address = await StartAsync(sources, []);
        using (var meter = new Meter(MeterCollector.DaemonMeterName))
        {
            var messages = meter.CreateCounter<long>("authmilter.messages", "{message}", "Messages answered, by verdict.");
            messages.Add(1, new KeyValuePair<string, object?>("verdict", "reject"));
            messages.Add(1, new KeyValuePair<string, object?>("verdict", "reject"));
            meter.CreateHistogram<double>("authmilter.message.duration", "s").Record(0.02);
        }

        using var response = await _http.GetAsync(new Uri(address, "/metrics"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/plain; version=0.0.4; charset=utf-8"));
            Assert.That(text, Does.Contain("# TYPE authmilter_messages_total counter\n"));
            Assert.That(text, Does.Contain("\nauthmilter_messages_total{verdict=\"reject\"} 2\n"));
            Assert.That(text, Does.Contain("\nauthmilter_message_duration_seconds_bucket{le=\"0.025\"} 1\n"));
            Assert.That(text, Does.Contain("\nauthmilter_message_duration_seconds_bucket{le=\"0.01\"} 0\n"));
            Assert.That(text, Does.Contain("# TYPE authmilter_dns_queries_total counter\nauthmilter_dns_queries_total 120\n"));
            Assert.That(text, Does.Contain("\nauthmilter_dns_cache_hits_total 90\n"));
            Assert.That(text, Does.Contain("\nauthmilter_dns_timeouts_total 4\n"));
            Assert.That(text, Does.Contain("# TYPE authmilter_connections_active gauge\nauthmilter_connections_active 3\n"));
            Assert.That(text, Does.Contain("\nauthmilter_report_queue_depth 7\n"));
            Assert.That(text, Does.Contain("\nauthmilter_history_written_total 100\n"));
            Assert.That(text, Does.Contain("\nauthmilter_history_dropped_total 2\n"));
            Assert.That(text.Split('\n').Where(l => l.StartsWith("# HELP ", StringComparison.Ordinal)).Count(),
                Is.EqualTo(text.Split('\n').Count(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))));
        });
    }

    [Test]
    public async Task Metrics_SourceThrows_500NamingTheFailure()
    {
        var address = await StartAsync(new DaemonMetricSources { ActiveConnections = () => throw new InvalidOperationException("listener gone") }, []);

        using var response = await _http.GetAsync(new Uri(address, "/metrics"));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("listener gone"));
        });
    }

    [Test]
    public async Task Healthz_ListenerRunningAndStoreAnswering_200Ok()
    {
        var address = await StartAsync(new DaemonMetricSources(), [HealthCheck.MilterListener(() => true), HealthCheck.ReportStore(new InMemoryReportStore())]);

        var (status, json) = await GetJsonAsync(new Uri(address, "/healthz"));

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("ok"));
            Assert.That(json.GetProperty("checks").GetProperty("milter").GetString(), Is.EqualTo("ok"));
            Assert.That(json.GetProperty("checks").GetProperty("store").GetString(), Is.EqualTo("ok"));
        });
    }

    [Test]
    public async Task Healthz_ListenerStopped_503WithReason()
    {
        var address = await StartAsync(new DaemonMetricSources(), [HealthCheck.MilterListener(() => false), HealthCheck.ReportStore(new InMemoryReportStore())]);

        var (status, json) = await GetJsonAsync(new Uri(address, "/healthz"));

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("fail"));
            Assert.That(json.GetProperty("checks").GetProperty("milter").GetString(), Is.EqualTo("the milter listener is not running"));
            Assert.That(json.GetProperty("checks").GetProperty("store").GetString(), Is.EqualTo("ok"));
        });
    }

    [Test]
    public async Task Healthz_StoreThrows_503WithItsMessage()
    {
        var store = new InMemoryReportStore { Failure = new IOException("database is locked") };
        var address = await StartAsync(new DaemonMetricSources(), [HealthCheck.MilterListener(() => true), HealthCheck.ReportStore(store)]);

        var (status, json) = await GetJsonAsync(new Uri(address, "/healthz"));

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(json.GetProperty("checks").GetProperty("store").GetString(), Is.EqualTo("database is locked"));
        });
    }

    [Test]
    public async Task Healthz_CheckNeverAnswers_503AfterTheTimeout()
    {
        var hanging = new HealthCheck("store", async cancellationToken =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        });
        var address = await StartAsync(new DaemonMetricSources(), [hanging]);

        var (status, json) = await GetJsonAsync(new Uri(address, "/healthz"));

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(json.GetProperty("checks").GetProperty("store").GetString(), Does.StartWith("no answer within 5"));
        });
    }

    [TestCase("0")]
    [TestCase("367")]
    [TestCase("ten")]
    [TestCase("-1")]
    public async Task Dashboard_BadDays_400(string days)
    {
        var address = await StartAsync(new DaemonMetricSources(), [], new InMemoryReportStore());

        using var response = await _http.GetAsync(new Uri(address, "/?days=" + days));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Dashboard_NoStore_404SayingReportingIsOff()
    {
        var address = await StartAsync(new DaemonMetricSources(), []);

        using var response = await _http.GetAsync(address);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Reporting is not configured"));
        });
    }

    [Test]
    public async Task Dashboard_StoreFails_503WithTheReasonEncoded()
    {
        var store = new InMemoryReportStore { Failure = new IOException("disk <b>full</b>") };
        var address = await StartAsync(new DaemonMetricSources(), [], store);

        using var response = await _http.GetAsync(address);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(html, Does.Contain("disk &lt;b&gt;full&lt;/b&gt;"));
        });
    }

    [Test]
    public async Task Dashboard_HostileReportFields_EncodedAndScriptsForbidden()
    {
        var store = new InMemoryReportStore();
        await DashboardTestData.FillAsync(store);
        var address = await StartAsync(new DaemonMetricSources(), [], store);

        using var index = await _http.GetAsync(address);
        using var domain = await _http.GetAsync(new Uri(address, "/domain/example.com"));
        var indexHtml = await index.Content.ReadAsStringAsync();
        var domainHtml = await domain.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(domain.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(domainHtml, Does.Contain("&lt;script&gt;document.title="));
            Assert.That(domainHtml, Does.Contain("&lt;img src=x onerror=alert(1)&gt;"));
            Assert.That(domainHtml, Does.Not.Contain("<script"));
            Assert.That(domainHtml, Does.Not.Contain("<img"));
            Assert.That(domainHtml, Does.Contain("451 4.3.0 &lt;try&gt; later"));
            Assert.That(indexHtml, Does.Contain("href=\"/domain/example.com?days=15\""));
            Assert.That(domain.Headers.GetValues("Content-Security-Policy").Single(), Does.StartWith("default-src 'none'"));
        });
    }

    [Test]
    public async Task Dashboard_DomainWithoutReports_SaysSo()
    {
        var store = new InMemoryReportStore();
        await DashboardTestData.FillAsync(store);
        var address = await StartAsync(new DaemonMetricSources(), [], store);

        using var response = await _http.GetAsync(new Uri(address, "/domain/" + Uri.EscapeDataString("other<x>.example")));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(html, Does.Contain("id=\"no-reports\""));
            Assert.That(html, Does.Contain("other&lt;x&gt;.example"));
            Assert.That(html, Does.Contain("id=\"no-deliveries\""));
        });
    }

    private async Task<Uri> StartAsync(DaemonMetricSources sources, IReadOnlyList<HealthCheck> checks, IReportStore? store = null)
    {
        var settings = new MilterSettings { HttpListen = new IPEndPoint(IPAddress.Loopback, 0) };
        var service = new HttpEndpointService(settings, sources, checks, store, new FixedTimeProvider(DashboardTestData.Now), NullLoggerFactory.Instance);
        _services.Add(service);
        await service.StartAsync(CancellationToken.None);
        return service.BaseAddress ?? throw new InvalidOperationException("The service reported no address.");
    }

    private async Task<(HttpStatusCode Status, JsonElement Json)> GetJsonAsync(Uri uri)
    {
        using var response = await _http.GetAsync(uri);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone());
    }
}

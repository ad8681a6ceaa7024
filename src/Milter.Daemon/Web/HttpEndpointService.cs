using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Milter.Daemon.Configuration;
using Milter.Reporting.Incoming;
using Milter.Reporting.Storage;

namespace Milter.Daemon.Web;

/// <summary>
/// The HTTP listener on <see cref="MilterSettings.HttpListen"/> (nothing when that is null): <c>GET /metrics</c>
/// (Prometheus text format 0.0.4), <c>GET /healthz</c> (200 or 503 with JSON), and a read-only DMARC dashboard at
/// <c>GET /</c> and <c>GET /domain/{name}</c>, both taking <c>?days=</c> (1 to <see cref="MaxDays"/>, default
/// <see cref="DefaultDays"/>). A slim Kestrel application of its own, started and stopped with the daemon's host,
/// logging through the daemon's logger factory; it reads no configuration files and handles no signals.
/// </summary>
internal sealed class HttpEndpointService : IHostedService, IAsyncDisposable
{
    /// <summary>The dashboard's span when <c>?days=</c> is absent.</summary>
    public const int DefaultDays = 15;

    /// <summary>The longest span the dashboard summarizes, in days.</summary>
    public const int MaxDays = 366;

    /// <summary>How long one health check may take before it counts as failed.</summary>
    public static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(5);

    private const string HtmlContentType = "text/html; charset=utf-8";

    private readonly IPEndPoint? _endpoint;
    private readonly DaemonMetricSources _metricSources;
    private readonly IReadOnlyList<HealthCheck> _healthChecks;
    private readonly IReportStore? _store;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly MeterCollector _meter;
    private WebApplication? _app;

    /// <summary>Starts collecting the <c>authmilter</c> meter's measurements at once; the listener opens in <see cref="StartAsync"/>.</summary>
    /// <param name="settings">Supplies <see cref="MilterSettings.HttpListen"/>.</param>
    /// <param name="metricSources">Values read at each scrape (DNS cache, connections, history queue).</param>
    /// <param name="healthChecks">What <c>/healthz</c> checks; all must pass for 200.</param>
    /// <param name="store">The report store the dashboard reads; null when reporting is off (the dashboard says so).</param>
    /// <param name="time">The clock that ends the dashboard's span.</param>
    /// <param name="loggerFactory">The daemon's logger factory, used for Kestrel's logs as well.</param>
    public HttpEndpointService(
        MilterSettings settings,
        DaemonMetricSources metricSources,
        IReadOnlyList<HealthCheck> healthChecks,
        IReportStore? store,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        _endpoint = settings.HttpListen;
        _metricSources = metricSources;
        _healthChecks = healthChecks;
        _store = store;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("authmilter.http");
        _meter = new MeterCollector();
    }

    /// <summary>The address actually listened on (the port filled in when 0 was configured); null before start or when off.</summary>
    public Uri? BaseAddress { get; private set; }

    /// <summary>Binds and starts serving; a failure to bind throws here, so the daemon stops at start.</summary>
    /// <exception cref="IOException">The address cannot be bound (in use, not local, no permission).</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_endpoint is null || _app is not null)
        {
            return;
        }

        var app = Build(_endpoint);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        BaseAddress = address is null ? null : new Uri(address);
        WebLog.Listening(_logger, address ?? _endpoint.ToString());
    }

    /// <summary>Stops accepting requests and lets those under way finish within the host's shutdown time.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _meter.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    private WebApplication Build(IPEndPoint endpoint)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "authmilter", ContentRootPath = AppContext.BaseDirectory });
        builder.Services.RemoveAll<ILoggerFactory>();
        builder.Services.AddSingleton(_loggerFactory);

        // The daemon's host owns SIGTERM and systemd notification; this application must not react to signals itself.
        builder.Services.RemoveAll<IHostLifetime>();
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Limits.MaxRequestBodySize = 0;
            options.Listen(endpoint);
        });

        var app = builder.Build();
        app.MapGet("/metrics", (RequestDelegate)ServeMetricsAsync);
        app.MapGet("/healthz", (RequestDelegate)ServeHealthAsync);
        app.MapGet("/", (RequestDelegate)ServeIndexAsync);
        app.MapGet("/domain/{name}", (RequestDelegate)ServeDomainAsync);
        return app;
    }

    private async Task ServeMetricsAsync(HttpContext context)
    {
        var writer = new PrometheusTextWriter();
        _meter.WriteTo(writer);
        try
        {
            _metricSources.WriteTo(writer);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            WebLog.ScrapeFailed(_logger, exception.Message, exception);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("A metrics source failed: " + exception.Message + "\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = PrometheusTextWriter.ContentType;
        await context.Response.WriteAsync(writer.ToString(), context.RequestAborted).ConfigureAwait(false);
    }

    private async Task ServeHealthAsync(HttpContext context)
    {
        var results = await Task.WhenAll(_healthChecks.Select(check => RunCheckAsync(check, context.RequestAborted))).ConfigureAwait(false);
        var healthy = results.All(r => r.Reason is null);

        using var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("status", healthy ? "ok" : "fail");
            json.WriteStartObject("checks");
            foreach (var (name, reason) in results)
            {
                json.WriteString(name, reason ?? "ok");
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        context.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(body.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }

    private async Task<(string Name, string? Reason)> RunCheckAsync(HealthCheck check, CancellationToken requestAborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        timeout.CancelAfter(HealthCheckTimeout);
        string? reason;
        try
        {
            reason = await check.Probe(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"no answer within {HealthCheckTimeout.TotalSeconds} s");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            reason = exception.Message;
        }

        if (reason is not null)
        {
            WebLog.HealthCheckFailed(_logger, check.Name, reason);
        }

        return (check.Name, reason);
    }

    private Task ServeIndexAsync(HttpContext context) =>
        ServeDashboardAsync(context, null);

    private Task ServeDomainAsync(HttpContext context) =>
        ServeDashboardAsync(context, (string?)context.Request.RouteValues["name"] ?? "");

    private async Task ServeDashboardAsync(HttpContext context, string? domain)
    {
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "no-store";

        if (!TryParseDays(context.Request.Query["days"].ToString(), out var days))
        {
            await WriteHtmlAsync(context, StatusCodes.Status400BadRequest,
                DashboardHtml.Error("Bad request", $"days must be a whole number from 1 to {MaxDays}.")).ConfigureAwait(false);
            return;
        }

        if (_store is null)
        {
            await WriteHtmlAsync(context, StatusCodes.Status404NotFound,
                DashboardHtml.Error("No report store", "Reporting is not configured (ReportStore in milter.conf), so there is nothing to show.")).ConfigureAwait(false);
            return;
        }

        var to = _time.GetUtcNow();
        var from = to - TimeSpan.FromDays(days);
        string html;
        try
        {
            var reports = await _store.IncomingReportsAsync(domain, from, context.RequestAborted).ConfigureAwait(false);
            var summaries = ReportSummarizer.Summarize(reports, from, to);
            var deliveries = await _store.DeliveriesAsync(from, context.RequestAborted).ConfigureAwait(false);
            html = domain is null
                ? DashboardHtml.Index(summaries, deliveries, days)
                : DashboardHtml.Domain(
                    domain,
                    summaries.FirstOrDefault(s => string.Equals(s.Domain, domain, StringComparison.OrdinalIgnoreCase)),
                    [.. deliveries.Where(d => string.Equals(d.Domain, domain, StringComparison.OrdinalIgnoreCase))],
                    days,
                    from,
                    to);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            WebLog.DashboardFailed(_logger, exception.Message, exception);
            await WriteHtmlAsync(context, StatusCodes.Status503ServiceUnavailable,
                DashboardHtml.Error("Report store unavailable", exception.Message)).ConfigureAwait(false);
            return;
        }

        await WriteHtmlAsync(context, StatusCodes.Status200OK, html).ConfigureAwait(false);
    }

    private static bool TryParseDays(string text, out int days)
    {
        if (text.Length == 0)
        {
            days = DefaultDays;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out days) && days is >= 1 and <= MaxDays;
    }

    private static async Task WriteHtmlAsync(HttpContext context, int status, string html)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = HtmlContentType;
        await context.Response.WriteAsync(html, Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A lifetime that waits for nothing and hooks no signal: the daemon's host decides when this one stops.</summary>
    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

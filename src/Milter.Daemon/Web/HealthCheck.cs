using Milter.Reporting.Storage;

namespace Milter.Daemon.Web;

/// <summary>
/// One condition <c>/healthz</c> checks. <see cref="Probe"/> returns null when healthy, else the reason; a probe that
/// throws or outlasts the endpoint's timeout counts as unhealthy with that as the reason.
/// </summary>
/// <param name="Name">The key in the JSON answer, e.g. <c>milter</c>.</param>
/// <param name="Probe">The check.</param>
internal sealed record HealthCheck(string Name, Func<CancellationToken, Task<string?>> Probe)
{
    /// <summary>Healthy while <paramref name="isListening"/> says the milter listener accepts connections.</summary>
    public static HealthCheck MilterListener(Func<bool> isListening) =>
        new("milter", _ => Task.FromResult(isListening() ? null : "the milter listener is not running"));

    /// <summary>
    /// Healthy when <paramref name="store"/> answers a query: the cheapest read it offers, deliveries of periods
    /// beginning at the end of time, which reads an index and returns nothing.
    /// </summary>
    public static HealthCheck ReportStore(IReportStore store) =>
        new("store", async cancellationToken =>
        {
            await store.DeliveriesAsync(DateTimeOffset.MaxValue, cancellationToken).ConfigureAwait(false);
            return null;
        });
}

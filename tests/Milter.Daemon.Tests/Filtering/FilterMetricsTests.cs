using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Milter.Daemon.Filtering;
using Milter.Dns;
using Milter.Protocol.Handling;
using Milter.TestKit.Client;
using NUnit.Framework;

namespace Milter.Daemon.Tests.Filtering;

/// <summary>The authmilter meter as a listener sees it while the handler answers messages.</summary>
[NonParallelizable]
public class FilterMetricsTests
{
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)> _measurements = new();
    private MeterListener _listener = null!;
    private InMemoryDnsResolver _dns = null!;

    [SetUp]
    public void SetUp()
    {
        _dns = new InMemoryDnsResolver()
            .AddTxt("example.org", "v=spf1 ip4:192.0.2.0/28 -all")
            .AddTxt("_dmarc.example.org", "v=DMARC1; p=reject");
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == FilterMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    [TearDown]
    public void TearDown() => _listener.Dispose();

    [Test]
    public async Task EndOfMessage_DmarcReject_CountsTheVerdictTheResultsAndTheDuration()
    {
        await SendAsync(IPAddress.Parse("198.51.100.7"));

        Assert.That(_measurements, Has.Some.Matches<(string Instrument, double Value, Dictionary<string, string?> Tags)>(
            m => m.Instrument == FilterMetrics.MessagesName && m.Value == 1 && m.Tags["verdict"] == "reject"));
        Assert.That(_measurements, Has.Some.Matches<(string Instrument, double Value, Dictionary<string, string?> Tags)>(
            m => m.Instrument == FilterMetrics.ResultsName && m.Tags["method"] == "dmarc" && m.Tags["result"] == "fail"));
        Assert.That(_measurements, Has.Some.Matches<(string Instrument, double Value, Dictionary<string, string?> Tags)>(
            m => m.Instrument == FilterMetrics.ResultsName && m.Tags["method"] == "spf" && m.Tags["result"] == "fail"));
        Assert.That(_measurements, Has.Some.Matches<(string Instrument, double Value, Dictionary<string, string?> Tags)>(
            m => m.Instrument == FilterMetrics.DurationName && m.Value > 0 && m.Value < 60));
    }

    [Test]
    public async Task EndOfMessage_TrustedNetwork_CountsSkipped()
    {
        await SendAsync(IPAddress.Parse("192.0.2.10"), "TrustedNetworks 192.0.2.0/24");

        Assert.That(_measurements, Has.Some.Matches<(string Instrument, double Value, Dictionary<string, string?> Tags)>(
            m => m.Instrument == FilterMetrics.MessagesName && m.Tags["verdict"] == "skipped"));
    }

    [TestCase("451", "4.7.1", false, "tempfail")]
    [TestCase("550", "5.7.1", false, "reject")]
    [TestCase(null, null, true, "quarantine")]
    [TestCase(null, null, false, "accept")]
    public void Verdict_Answer_IsTheKeyword(string? code, string? enhanced, bool quarantined, string expected)
    {
        var decision = code is null ? MilterDecision.Continue : MilterDecision.Reply(code, enhanced!, "no");

        Assert.That(FilterMetrics.Verdict(decision, quarantined), Is.EqualTo(expected));
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value?.ToString();
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }

    private Task<MilterTransactionResult> SendAsync(IPAddress client, params string[] lines)
    {
        var message = ParsedEml.Parse(Encoding.ASCII.GetBytes("From: a@example.org\r\nSubject: metrics\r\n\r\nHello\r\n"));
        return FilterHarness.SendAsync(FilterHarness.Settings(["SpfIgnoreHelo yes", "IprevCheck no", "ArcVerify no", .. lines]), _dns, message, "<a@example.org>", client, "mail.example.org");
    }
}

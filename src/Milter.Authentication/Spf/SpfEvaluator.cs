using System.Net;
using System.Text;
using Milter.Dns;

namespace Milter.Authentication.Spf;

/// <summary>
/// One run of check_host() (RFC 7208 section 4) with its includes and redirects: the state the RFC makes global
/// to a check (lookup and void counters, the validated client names) lives here, so an instance serves one check.
/// </summary>
internal sealed class SpfEvaluator
{
    private readonly IDnsResolver _resolver;
    private readonly SpfOptions _options;
    private readonly SpfRecordCache _cache;
    private readonly SpfMacroValues _values;
    private readonly CancellationToken _cancellationToken;
    private readonly List<SpfTraceEntry>? _trace;
    private readonly StringBuilder _scratch = new();
    private readonly byte[] _client = new byte[16];
    private readonly int _clientLength;
    private List<string>? _validatedNames;
    private int _lookups;
    private int _voids;

    public SpfEvaluator(IDnsResolver resolver, SpfOptions options, SpfRecordCache cache, SpfMacroValues values, CancellationToken cancellationToken)
    {
        _resolver = resolver;
        _options = options;
        _cache = cache;
        _values = values;
        _cancellationToken = cancellationToken;
        _trace = options.RecordTrace ? [] : null;
        values.Client.TryWriteBytes(_client, out _clientLength);
    }

    /// <summary>Evaluates <paramref name="domain"/>; errors and cancellation become results, never exceptions.</summary>
    public async ValueTask<SpfEvaluation> RunAsync(SpfIdentity identity, string domain, string? envelopeFrom)
    {
        SpfResult result;
        string? mechanism = null;
        string? explanation = null;
        string? problem = null;
        try
        {
            var outcome = await CheckHostAsync(domain, 0).ConfigureAwait(false);
            result = outcome.Result;
            mechanism = outcome.Mechanism?.Text;
            if (result == SpfResult.Fail)
            {
                explanation = await ExplainAsync(outcome).ConfigureAwait(false);
            }
        }
        catch (SpfException e)
        {
            result = e.Result;
            problem = e.Message;
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
        {
            // Section 4.6.4: running out of the elapsed-time bound is a temperror.
            result = SpfResult.TempError;
            problem = "time limit for the SPF evaluation exceeded";
        }

        return new SpfEvaluation
        {
            Result = result,
            Identity = identity,
            ClientAddress = _values.Client,
            Sender = _values.Sender,
            Domain = domain,
            Helo = _values.Helo,
            EnvelopeFrom = envelopeFrom,
            Mechanism = mechanism,
            Explanation = explanation,
            Problem = problem,
            DnsLookups = _lookups,
            VoidLookups = _voids,
            Trace = _trace,
        };
    }

    private async ValueTask<HostOutcome> CheckHostAsync(string domain, int depth)
    {
        var name = SpfDomainName.ToCheckedDomain(domain);
        if (name is null)
        {
            TraceTerm(depth, domain, "not a valid domain name: none");
            return new HostOutcome(SpfResult.None, null, null, domain);
        }

        var record = await FindRecordAsync(name, depth).ConfigureAwait(false);
        if (record is null)
        {
            return new HostOutcome(SpfResult.None, null, null, name);
        }

        if (record.Problem is not null)
        {
            throw new SpfException(SpfResult.PermError, $"{name}: {record.Problem}");
        }

        foreach (var mechanism in record.Mechanisms)
        {
            if (mechanism.QueriesDns)
            {
                CountLookup();
            }

            var matched = await MatchesAsync(mechanism, name, depth).ConfigureAwait(false);
            TraceTerm(depth, mechanism.Text, matched ? "match" : "no match");
            if (matched)
            {
                return new HostOutcome(mechanism.Qualifier, mechanism, record, name);
            }
        }

        if (record.Redirect is not { } redirect)
        {
            // Section 4.7: no match and no redirect gives the default result.
            return new HostOutcome(SpfResult.Neutral, null, record, name);
        }

        // Section 6.1: redirect is evaluated only after every mechanism failed to match, and a target
        // without a record (or no usable target) is a permerror rather than none.
        CountLookup();
        var target = await ExpandTargetAsync(redirect, name, depth).ConfigureAwait(false);
        if (_trace is not null)
        {
            TraceTerm(depth, "redirect=" + redirect.Text, target ?? "invalid target name");
        }

        var redirected = target is null ? default : await CheckHostAsync(target, depth + 1).ConfigureAwait(false);
        if (target is null || redirected.Result == SpfResult.None)
        {
            throw new SpfException(SpfResult.PermError, $"redirect={redirect.Text}: no SPF record at the target");
        }

        return redirected;
    }

    // Section 4.5: exactly one "v=spf1" TXT record, else none (zero) or permerror (several).
    private async ValueTask<SpfRecord?> FindRecordAsync(string name, int depth)
    {
        var response = await QueryAsync("TXT", name, depth, static (r, n, c) => r.QueryTxtAsync(n, c)).ConfigureAwait(false);
        ThrowIfError(response, "TXT", name);
        string? found = null;
        foreach (var text in response.Records)
        {
            if (!SpfRecordParser.IsSpfRecord(text))
            {
                continue;
            }

            if (found is not null)
            {
                throw new SpfException(SpfResult.PermError, $"{name}: more than one SPF record");
            }

            found = text;
        }

        if (found is not null && _trace is not null)
        {
            _trace.Add(new SpfTraceEntry(depth, SpfTraceKind.Record, $"{name}: {found}"));
        }

        return found is null ? null : _cache.GetOrParse(found, _options.ParsedRecordCacheSize);
    }

    private ValueTask<bool> MatchesAsync(SpfMechanism mechanism, string domain, int depth) => mechanism.Kind switch
    {
        SpfMechanismKind.All => ValueTask.FromResult(true),
        SpfMechanismKind.Ip4 => ValueTask.FromResult(!_values.IsIPv6 && IsInNetwork(mechanism.Network!, mechanism.Ip4Prefix)),
        SpfMechanismKind.Ip6 => ValueTask.FromResult(_values.IsIPv6 && IsInNetwork(mechanism.Network!, mechanism.Ip6Prefix)),
        _ => MatchTargetAsync(mechanism, domain, depth),
    };

    // The mechanisms that name a <target-name> (section 4.8). One that cannot be a DNS name (an empty or
    // over-long label, perhaps from a macro) is a name that does not exist: no match, or for include no record.
    private async ValueTask<bool> MatchTargetAsync(SpfMechanism mechanism, string domain, int depth)
    {
        var target = mechanism.DomainSpec is { } spec
            ? await ExpandTargetAsync(spec, domain, depth).ConfigureAwait(false)
            : domain;
        if (target is null && mechanism.Kind != SpfMechanismKind.Include)
        {
            return false;
        }

        return mechanism.Kind switch
        {
            SpfMechanismKind.A => await MatchAAsync(mechanism, target!, depth).ConfigureAwait(false),
            SpfMechanismKind.Mx => await MatchMxAsync(mechanism, target!, depth).ConfigureAwait(false),
            SpfMechanismKind.Ptr => await MatchPtrAsync(target!, depth).ConfigureAwait(false),
            SpfMechanismKind.Exists => await MatchExistsAsync(target!, depth).ConfigureAwait(false),
            _ => await MatchIncludeAsync(mechanism, target, depth).ConfigureAwait(false),
        };
    }

    private async ValueTask<bool> MatchAAsync(SpfMechanism mechanism, string target, int depth)
    {
        var addresses = await QueryAddressesAsync(target, depth).ConfigureAwait(false);
        ThrowIfError(addresses, AddressType, target);
        CountVoid(addresses, target);
        return AnyInNetwork(addresses, mechanism);
    }

    private async ValueTask<bool> MatchMxAsync(SpfMechanism mechanism, string target, int depth)
    {
        var exchanges = await QueryAsync("MX", target, depth, static (r, n, c) => r.QueryMxAsync(n, c)).ConfigureAwait(false);
        ThrowIfError(exchanges, "MX", target);
        CountVoid(exchanges, target);
        // Section 4.6.4: more MX names than the limit is a permerror, whatever order they come in.
        if (exchanges.Records.Count > _options.MaxMxNames)
        {
            throw new SpfException(SpfResult.PermError, $"{target}: more than {_options.MaxMxNames} MX records");
        }

        foreach (var exchange in exchanges.Records)
        {
            // A null MX (RFC 7505, exchange ".") names no host.
            if (exchange.Exchange.Length == 0 || exchange.Exchange == ".")
            {
                continue;
            }

            var addresses = await QueryAddressesAsync(exchange.Exchange, depth).ConfigureAwait(false);
            ThrowIfError(addresses, AddressType, exchange.Exchange);
            if (AnyInNetwork(addresses, mechanism))
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<bool> MatchPtrAsync(string target, int depth)
    {
        foreach (var name in await GetValidatedNamesAsync(depth).ConfigureAwait(false))
        {
            if (SpfDomainName.IsSameOrSubdomain(name, target))
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<bool> MatchExistsAsync(string target, int depth)
    {
        // Section 5.7: always an A query, whatever the client's address family.
        var addresses = await QueryAsync("A", target, depth, static (r, n, c) => r.QueryAAsync(n, c)).ConfigureAwait(false);
        ThrowIfError(addresses, "A", target);
        CountVoid(addresses, target);
        return addresses.Status == DnsStatus.Success;
    }

    // Section 5.2: pass matches; fail, softfail and neutral do not; none is a permerror; errors propagate.
    private async ValueTask<bool> MatchIncludeAsync(SpfMechanism mechanism, string? target, int depth)
    {
        var included = target is null ? SpfResult.None : (await CheckHostAsync(target, depth + 1).ConfigureAwait(false)).Result;
        return included switch
        {
            SpfResult.Pass => true,
            SpfResult.None => throw new SpfException(SpfResult.PermError, $"{mechanism.Text}: no SPF record at the target"),
            _ => false,
        };
    }

    // Section 6.2: the exp= of the record that gave the fail; any trouble fetching it falls back to the default.
    private async ValueTask<string?> ExplainAsync(HostOutcome outcome)
    {
        try
        {
            if (outcome.Record?.Explanation is { } exp
                && await ExpandTargetAsync(exp, outcome.Domain, 0).ConfigureAwait(false) is { } target)
            {
                var texts = await QueryAsync("TXT", target, 0, static (r, n, c) => r.QueryTxtAsync(n, c)).ConfigureAwait(false);
                if (texts.Status == DnsStatus.Success && texts.Records.Count == 1
                    && MacroString.TryParse(texts.Records[0], MacroSyntax.Explanation, out var text, out _))
                {
                    return await ExpandAsync(text, outcome.Domain, 0).ConfigureAwait(false);
                }
            }

            return await ExpandAsync(_options.ParsedDefaultExplanation, outcome.Domain, 0).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
        {
            // The result is already known; a missing explanation does not change it.
            return null;
        }
    }

    private async ValueTask<string?> ExpandTargetAsync(MacroString spec, string domain, int depth) =>
        SpfDomainName.ToTargetName(await ExpandAsync(spec, domain, depth).ConfigureAwait(false));

    private async ValueTask<string> ExpandAsync(MacroString spec, string domain, int depth)
    {
        string? validated = null;
        if (spec.UsesValidatedName)
        {
            validated = ChooseValidatedName(await GetValidatedNamesAsync(depth).ConfigureAwait(false), domain);
        }

        return spec.Expand(_values, domain, validated, _scratch);
    }

    // Section 7.3, "p": prefer <domain> itself, then a subdomain of it, then any validated name.
    private static string ChooseValidatedName(List<string> names, string domain)
    {
        string? subdomain = null;
        foreach (var name in names)
        {
            if (name.Equals(domain, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }

            if (subdomain is null && SpfDomainName.IsSameOrSubdomain(name, domain))
            {
                subdomain = name;
            }
        }

        return subdomain ?? (names.Count > 0 ? names[0] : "unknown");
    }

    // Section 5.5: names whose forward lookup gives back the client. Errors skip a name or leave the list
    // empty, never fail the check: the client, not the domain owner, controls these records.
    private async ValueTask<List<string>> GetValidatedNamesAsync(int depth)
    {
        if (_validatedNames is not null)
        {
            return _validatedNames;
        }

        _cancellationToken.ThrowIfCancellationRequested();
        var names = new List<string>();
        var pointers = await _resolver.QueryPtrAsync(_values.Client, _cancellationToken).ConfigureAwait(false);
        TraceQuery(depth, "PTR", _values.ClientText, pointers);
        var count = Math.Min(pointers.Records.Count, _options.MaxPtrNames);
        for (var k = 0; k < count; k++)
        {
            var name = pointers.Records[k];
            var addresses = await QueryAddressesAsync(name, depth).ConfigureAwait(false);
            foreach (var address in addresses.Records)
            {
                if (IsInNetwork(address, _clientLength * 8))
                {
                    names.Add(name);
                    break;
                }
            }
        }

        return _validatedNames = names;
    }

    private string AddressType => _values.IsIPv6 ? "AAAA" : "A";

    // Section 5: A records for an IPv4 client, AAAA for IPv6.
    private ValueTask<DnsResponse<IPAddress>> QueryAddressesAsync(string name, int depth) => _values.IsIPv6
        ? QueryAsync("AAAA", name, depth, static (r, n, c) => r.QueryAaaaAsync(n, c))
        : QueryAsync("A", name, depth, static (r, n, c) => r.QueryAAsync(n, c));

    private async ValueTask<DnsResponse<T>> QueryAsync<T>(
        string type, string name, int depth, Func<IDnsResolver, string, CancellationToken, ValueTask<DnsResponse<T>>> query)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var response = await query(_resolver, name, _cancellationToken).ConfigureAwait(false);
        TraceQuery(depth, type, name, response);
        return response;
    }

    private bool AnyInNetwork(DnsResponse<IPAddress> addresses, SpfMechanism mechanism)
    {
        var prefix = _values.IsIPv6 ? mechanism.Ip6Prefix : mechanism.Ip4Prefix;
        foreach (var address in addresses.Records)
        {
            if (IsInNetwork(address, prefix))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsInNetwork(IPAddress network, int prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!network.TryWriteBytes(bytes, out var length) || length != _clientLength)
        {
            return false;
        }

        var whole = prefix / 8;
        if (!bytes[..whole].SequenceEqual(_client.AsSpan(0, whole)))
        {
            return false;
        }

        var bits = prefix % 8;
        var mask = (byte)(0xFF << (8 - bits));
        return bits == 0 || (bytes[whole] & mask) == (_client[whole] & mask);
    }

    private void CountLookup()
    {
        if (++_lookups > _options.MaxDnsLookups)
        {
            throw new SpfException(SpfResult.PermError, $"more than {_options.MaxDnsLookups} DNS-querying terms");
        }
    }

    private void CountVoid<T>(DnsResponse<T> response, string name)
    {
        if (response.IsVoid && ++_voids > _options.MaxVoidLookups)
        {
            throw new SpfException(SpfResult.PermError, $"more than {_options.MaxVoidLookups} void lookups (last: {name})");
        }
    }

    // Section 5: any DNS error other than NXDOMAIN ends the whole check with temperror.
    private static void ThrowIfError<T>(DnsResponse<T> response, string type, string name)
    {
        if (response.Status is DnsStatus.TemporaryError or DnsStatus.PermanentError)
        {
            throw new SpfException(SpfResult.TempError, $"DNS {type} {name}: {response.Error ?? response.Status.ToString()}");
        }
    }

    private void TraceTerm(int depth, string term, string outcome) =>
        _trace?.Add(new SpfTraceEntry(depth, SpfTraceKind.Term, $"{term}: {outcome}"));

    private void TraceQuery<T>(int depth, string type, string name, DnsResponse<T> response)
    {
        if (_trace is null)
        {
            return;
        }

        var answer = response.Status == DnsStatus.Success
            ? string.Join(" | ", response.Records)
            : response.Error ?? response.Status.ToString();
        _trace.Add(new SpfTraceEntry(depth, SpfTraceKind.Query, $"{type} {name}: {answer}"));
    }

    /// <summary>What one check_host() level decided, and the record and domain an explanation would come from.</summary>
    private readonly record struct HostOutcome(SpfResult Result, SpfMechanism? Mechanism, SpfRecord? Record, string Domain);
}

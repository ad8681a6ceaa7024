using System.Net;
using System.Net.Sockets;
using Milter.Dns;

namespace Milter.Authentication.Iprev;

/// <summary>
/// The iprev check of RFC 8601 section 3: the client address's PTR names are looked up, and each is resolved
/// forward (A or AAAA, by the address family) until one gives the address back. Thread-safe.
/// </summary>
public sealed class IprevChecker
{
    /// <summary>Most PTR names followed forward; the sender controls the PTR answer, so its size must not set our work (as RFC 7208 section 4.6.4 limits PTR names for SPF).</summary>
    public const int MaxNames = 10;

    private readonly IDnsResolver _resolver;

    /// <summary>Creates a checker that resolves through <paramref name="resolver"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="resolver"/> is null.</exception>
    public IprevChecker(IDnsResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _resolver = resolver;
    }

    /// <summary>Checks <paramref name="address"/>; an IPv4-mapped IPv6 address is checked as IPv4.</summary>
    /// <param name="address">The SMTP client address.</param>
    /// <param name="cancellationToken">Bounds the lookups; once cancelled the result is temperror.</param>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is null.</exception>
    public async ValueTask<IprevEvaluation> CheckAsync(IPAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        try
        {
            var names = await _resolver.QueryPtrAsync(address, cancellationToken).ConfigureAwait(false);
            switch (names.Status)
            {
                case DnsStatus.NoData or DnsStatus.NameError:
                    return new IprevEvaluation(IprevResult.Fail, address, null, "no PTR record");
                case DnsStatus.TemporaryError:
                    return new IprevEvaluation(IprevResult.TempError, address, null, names.Error ?? "PTR lookup failed");
                case DnsStatus.PermanentError:
                    return new IprevEvaluation(IprevResult.PermError, address, null, names.Error ?? "PTR lookup failed");
            }

            var temporary = false;
            foreach (var name in names.Records.Take(MaxNames))
            {
                var forward = address.AddressFamily == AddressFamily.InterNetworkV6
                    ? await _resolver.QueryAaaaAsync(name, cancellationToken).ConfigureAwait(false)
                    : await _resolver.QueryAAsync(name, cancellationToken).ConfigureAwait(false);
                if (forward.Records.Contains(address))
                {
                    return new IprevEvaluation(IprevResult.Pass, address, name, null);
                }

                temporary |= forward.Status == DnsStatus.TemporaryError;
            }

            // A name we could not resolve might have confirmed the address: that is no proof of failure.
            return temporary
                ? new IprevEvaluation(IprevResult.TempError, address, null, "forward lookup failed")
                : new IprevEvaluation(IprevResult.Fail, address, null, $"no PTR name of {address} resolves back to it");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new IprevEvaluation(IprevResult.TempError, address, null, "time limit reached");
        }
    }
}

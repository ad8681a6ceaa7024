namespace Milter.Protocol.Handling;

/// <summary>Keeps the MTA waiting while end-of-message work is slow (SMFIR_PROGRESS).</summary>
public interface IMilterProgress
{
    /// <summary>Sends one SMFIR_PROGRESS packet now, which resets the MTA's command timeout.</summary>
    ValueTask ReportAsync(CancellationToken cancellationToken);
}

namespace Milter.Authentication.Dmarc;

/// <summary>The DMARC record at one name: found, absent (none, or several, which count as none), or a DNS error.</summary>
internal readonly record struct DmarcRecordLookup(string Domain, DmarcRecordLookupStatus Status, DmarcRecord? Record, string? Error)
{
    public bool IsError => Status is DmarcRecordLookupStatus.TemporaryError or DmarcRecordLookupStatus.PermanentError;
}

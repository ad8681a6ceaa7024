namespace Milter.Authentication.Dmarc;

/// <summary>The outcome class of a DMARC record lookup at one name.</summary>
internal enum DmarcRecordLookupStatus
{
    Found,
    None,
    Multiple,
    TemporaryError,
    PermanentError,
}

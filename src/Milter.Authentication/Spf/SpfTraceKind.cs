namespace Milter.Authentication.Spf;

/// <summary>What a <see cref="SpfTraceEntry"/> describes.</summary>
public enum SpfTraceKind
{
    /// <summary>A DNS query and its answer.</summary>
    Query,
    /// <summary>The SPF record selected for a domain.</summary>
    Record,
    /// <summary>A mechanism or modifier evaluated, with its outcome.</summary>
    Term,
}

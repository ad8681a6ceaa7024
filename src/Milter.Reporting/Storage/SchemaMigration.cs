namespace Milter.Reporting.Storage;

/// <summary>One step of the schema: applied once, in order of <paramref name="Version"/>, and recorded in <c>schema_version</c>.</summary>
/// <param name="Version">The schema version the step brings the database to; versions start at 1 and have no gaps.</param>
/// <param name="Description">What the step does, for the log.</param>
/// <param name="Statements">The DDL, run in order inside the migration transaction.</param>
internal sealed record SchemaMigration(int Version, string Description, IReadOnlyList<string> Statements);

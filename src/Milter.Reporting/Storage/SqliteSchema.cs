namespace Milter.Reporting.Storage;

/// <summary>The schema steps of <see cref="SqliteReportStore"/>; the same tables and meaning as <see cref="PostgresSchema"/>.</summary>
internal static class SqliteSchema
{
    public static readonly IReadOnlyList<SchemaMigration> Migrations =
    [
        new(1, "history, deliveries, leases and incoming reports",
        [
            """
            CREATE TABLE history (
                id INTEGER PRIMARY KEY,
                received INTEGER NOT NULL,
                policy_domain TEXT NOT NULL,
                policy_record TEXT,
                source_ip TEXT NOT NULL,
                header_from TEXT NOT NULL,
                envelope_from TEXT,
                envelope_to TEXT,
                disposition TEXT NOT NULL,
                eval_dkim TEXT NOT NULL,
                eval_spf TEXT NOT NULL,
                reasons TEXT NOT NULL,
                dkim_results TEXT NOT NULL,
                spf_results TEXT NOT NULL,
                message_count INTEGER NOT NULL)
            """,
            "CREATE INDEX history_domain_received ON history (policy_domain, received)",
            "CREATE INDEX history_received ON history (received)",
            """
            CREATE TABLE deliveries (
                domain TEXT NOT NULL,
                period_begin INTEGER NOT NULL,
                period_end INTEGER NOT NULL,
                destination TEXT NOT NULL,
                report_id TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                last_error TEXT,
                last_attempt INTEGER,
                size INTEGER,
                PRIMARY KEY (domain, period_begin, destination))
            """,
            "CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires INTEGER NOT NULL)",
            """
            CREATE TABLE incoming_reports (
                id INTEGER PRIMARY KEY,
                org_name TEXT NOT NULL,
                report_id TEXT NOT NULL,
                domain TEXT NOT NULL,
                period_begin INTEGER NOT NULL,
                period_end INTEGER NOT NULL,
                received INTEGER NOT NULL,
                body TEXT NOT NULL,
                UNIQUE (org_name, report_id, domain))
            """,
            "CREATE INDEX incoming_reports_end ON incoming_reports (period_end)",
        ]),
    ];
}

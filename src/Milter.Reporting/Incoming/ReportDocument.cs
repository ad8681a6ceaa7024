namespace Milter.Reporting.Incoming;

/// <summary>One report document (XML) found in a message, already decoded and decompressed within the limits.</summary>
/// <param name="Name">The attachment's file name, with the zip entry name after <c>/</c> and without <c>.gz</c>; the MIME type when the part has no name.</param>
/// <param name="Content">The XML, read-only and positioned at its start; at most <see cref="ReportAttachmentLimits.MaxDocumentBytes"/> long.</param>
public sealed record ReportDocument(string Name, Stream Content);

using Milter.TestKit.Client;

namespace Milter.Benchmarks;

/// <summary>The Authentication-Results header a milter added to a message, read from its end-of-message reply.</summary>
internal static class AuthenticationResultsHeader
{
    /// <summary>
    /// The first Authentication-Results header inserted or added, folded onto one line; when there is none, a
    /// description of the reply in parentheses.
    /// </summary>
    public static string Of(MilterTransactionResult result) =>
        result.EndOfMessage?.Modifications
            .Select(m => m switch
            {
                MilterClientModification.InsertHeader h => (h.Name, h.Value),
                MilterClientModification.AddHeader h => (h.Name, h.Value),
                _ => (Name: string.Empty, Value: string.Empty),
            })
            .Where(h => h.Name.Equals("Authentication-Results", StringComparison.OrdinalIgnoreCase))
            .Select(h => string.Join(' ', h.Value.Split((char[])['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries)))
            .FirstOrDefault()
        ?? $"(no Authentication-Results; reply {result.Reply}, last command {result.LastCommand})";
}

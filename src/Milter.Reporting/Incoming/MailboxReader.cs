using MimeKit;

namespace Milter.Reporting.Incoming;

/// <summary>
/// Reads the messages of a source: one message on a stream (a pipe from the MTA), a message file (.eml), an mbox
/// file, or a Maildir directory (<c>new/</c> and <c>cur/</c>). A message that cannot be parsed is yielded with its
/// error, so one bad message does not hide the others.
/// </summary>
public static class MailboxReader
{
    private static readonly byte[] MboxMarker = "From "u8.ToArray();

    /// <summary>
    /// The messages at <paramref name="path"/>: a directory is a Maildir, a file starting with <c>From </c> an mbox,
    /// any other file one message. Read lazily, one at a time.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file or directory cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">Reading it is not permitted.</exception>
    public static IEnumerable<MailboxMessage> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return ReadMaildir(path);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file or directory", path);
        }

        return StartsWithMboxMarker(path) ? ReadMbox(path) : [ReadFile(path, path)];
    }

    /// <summary>One message from <paramref name="stream"/>, named <paramref name="location"/> in problems.</summary>
    public static MailboxMessage ReadSingle(Stream stream, string location)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            return new MailboxMessage(location, MimeMessage.Load(stream), null);
        }
        catch (FormatException exception)
        {
            return new MailboxMessage(location, null, $"not a MIME message: {exception.Message}");
        }
    }

    private static bool StartsWithMboxMarker(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> start = stackalloc byte[5];
        return file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length && start.SequenceEqual(MboxMarker);
    }

    private static MailboxMessage ReadFile(string path, string location)
    {
        using var file = File.OpenRead(path);
        return ReadSingle(file, location);
    }

    private static IEnumerable<MailboxMessage> ReadMbox(string path)
    {
        using var file = File.OpenRead(path);
        var parser = new MimeParser(file, MimeFormat.Mbox);
        var number = 0;
        while (!parser.IsEndOfStream)
        {
            number++;
            MailboxMessage message;
            var broken = false;
            try
            {
                message = new MailboxMessage($"{path} message {number}", parser.ParseMessage(), null);
            }
            catch (FormatException exception)
            {
                // The parser cannot resynchronize after a broken message, so the rest of the file is lost; say so once.
                message = new MailboxMessage($"{path} message {number}", null, $"the mbox cannot be read from here on: {exception.Message}");
                broken = true;
            }

            yield return message;
            if (broken)
            {
                yield break;
            }
        }
    }

    private static IEnumerable<MailboxMessage> ReadMaildir(string path)
    {
        foreach (var folder in new[] { "new", "cur" })
        {
            var directory = Path.Combine(path, folder);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
            {
                yield return ReadFile(file, file);
            }
        }
    }
}

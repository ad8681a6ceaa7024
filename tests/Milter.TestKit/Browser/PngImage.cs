using System.Buffers.Binary;
using System.IO.Compression;

namespace Milter.TestKit.Browser;

/// <summary>
/// A decoded PNG (8-bit greyscale, grey+alpha, RGB, RGBA or palette, not interlaced — what Chromium writes), enough
/// to check a screenshot's size and that it shows something.
/// </summary>
public sealed class PngImage
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private PngImage(int width, int height, int bytesPerPixel, byte[] pixels)
    {
        Width = width;
        Height = height;
        BytesPerPixel = bytesPerPixel;
        Pixels = pixels;
    }

    /// <summary>Width from IHDR.</summary>
    public int Width { get; }

    /// <summary>Height from IHDR.</summary>
    public int Height { get; }

    /// <summary>Bytes per pixel of <see cref="Pixels"/>.</summary>
    public int BytesPerPixel { get; }

    /// <summary>The unfiltered pixel rows, top to bottom, without filter bytes.</summary>
    public byte[] Pixels { get; }

    /// <summary>Reads and decodes a PNG file.</summary>
    /// <exception cref="InvalidDataException">Not a PNG, a truncated one, or a kind this reader does not decode.</exception>
    public static PngImage Load(string path) => Decode(File.ReadAllBytes(path));

    /// <summary>Decodes PNG bytes.</summary>
    /// <exception cref="InvalidDataException">Not a PNG, a truncated one, or a kind this reader does not decode.</exception>
    public static PngImage Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 33 || !data[..8].SequenceEqual(Signature))
        {
            throw new InvalidDataException("Not a PNG: the signature is missing.");
        }

        int width = 0, height = 0, bytesPerPixel = 0;
        using var compressed = new MemoryStream();
        var offset = 8;
        var sawHeader = false;
        while (true)
        {
            if (offset + 12 > data.Length)
            {
                throw new InvalidDataException("Truncated PNG: no IEND chunk.");
            }

            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
            var type = System.Text.Encoding.ASCII.GetString(data.Slice(offset + 4, 4));
            if (length < 0 || offset + 12 + length > data.Length)
            {
                throw new InvalidDataException($"Truncated PNG: chunk {type} runs past the end.");
            }

            var body = data.Slice(offset + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = (int)BinaryPrimitives.ReadUInt32BigEndian(body);
                    height = (int)BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                    bytesPerPixel = BytesPerPixelOf(bitDepth: body[8], colourType: body[9]);
                    if (body[12] != 0)
                    {
                        throw new InvalidDataException("Interlaced PNGs are not decoded.");
                    }

                    sawHeader = true;
                    break;
                case "IDAT":
                    compressed.Write(body);
                    break;
                case "IEND":
                    if (!sawHeader)
                    {
                        throw new InvalidDataException("PNG without IHDR.");
                    }

                    return new PngImage(width, height, bytesPerPixel, Unfilter(Inflate(compressed), width, height, bytesPerPixel));
            }

            offset += 12 + length;
        }
    }

    /// <summary>How many different pixel values the image holds; 1 for a blank page.</summary>
    public int CountDistinctColours()
    {
        var colours = new HashSet<uint>();
        for (var i = 0; i < Pixels.Length; i += BytesPerPixel)
        {
            uint value = 0;
            for (var b = 0; b < BytesPerPixel; b++)
            {
                value = (value << 8) | Pixels[i + b];
            }

            colours.Add(value);
        }

        return colours.Count;
    }

    private static int BytesPerPixelOf(byte bitDepth, byte colourType)
    {
        if (bitDepth != 8)
        {
            throw new InvalidDataException($"Only 8-bit PNGs are decoded, not {bitDepth}-bit.");
        }

        return colourType switch
        {
            0 or 3 => 1,
            4 => 2,
            2 => 3,
            6 => 4,
            _ => throw new InvalidDataException($"Unknown PNG colour type {colourType}."),
        };
    }

    private static byte[] Inflate(MemoryStream compressed)
    {
        compressed.Position = 0;
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        return raw.ToArray();
    }

    private static byte[] Unfilter(byte[] raw, int width, int height, int bytesPerPixel)
    {
        var stride = width * bytesPerPixel;
        if (raw.Length != (long)height * (stride + 1))
        {
            throw new InvalidDataException($"PNG image data holds {raw.Length} bytes, not {height} rows of {stride + 1}.");
        }

        var pixels = new byte[height * stride];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var source = raw.AsSpan((y * (stride + 1)) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var above = y == 0 ? new byte[stride] : pixels.AsSpan((y - 1) * stride, stride).ToArray();
            for (var x = 0; x < stride; x++)
            {
                int left = x >= bytesPerPixel ? row[x - bytesPerPixel] : 0;
                int up = above[x];
                int upLeft = x >= bytesPerPixel ? above[x - bytesPerPixel] : 0;
                row[x] = (byte)(source[x] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"Unknown PNG filter {filter} in row {y}."),
                });
            }
        }

        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}

using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Milter.Reporting.Storage;

/// <summary>An <see cref="IPAddress"/> as its text form; the default serializer would walk its properties (and throw).</summary>
internal sealed class IPAddressJsonConverter : JsonConverter<IPAddress>
{
    /// <inheritdoc/>
    public override IPAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return text is not null && IPAddress.TryParse(text, out var address)
            ? address
            : throw new JsonException($"'{text}' is not an IP address.");
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

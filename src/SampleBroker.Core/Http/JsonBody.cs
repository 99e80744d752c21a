using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SampleBroker.Http;

/// <summary>A request body read under the contract's rules: JSON only, at most 64 KiB, well-formed.</summary>
public sealed class JsonBody : IDisposable
{
    public const int MaxBytes = 64 * 1024;

    // Duplicate properties are refused: a reader that kept the first value would see another body.
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 32, CommentHandling = JsonCommentHandling.Disallow, AllowDuplicateProperties = false };

    private JsonBody(byte[] raw, JsonDocument document)
    {
        Raw = raw;
        Document = document;
    }

    /// <summary>The body exactly as received, for signature checks and hashing.</summary>
    public byte[] Raw { get; }

    public JsonDocument Document { get; }

    public JsonElement Root => Document.RootElement;

    /// <summary>Reads and parses the body, or returns the 413/415/400 problem that explains why not.</summary>
    public static async Task<(JsonBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsJson(request.ContentType))
        {
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "The body must be JSON sent as 'application/json'."));
        }

        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }

        var raw = await ReadBoundedAsync(request.Body, cancellationToken).ConfigureAwait(false);
        if (raw is null)
        {
            return (null, TooLarge());
        }

        var parsed = Parse(raw);
        return parsed is null
            ? (null, Problems.BadRequest("The body is not well-formed JSON (UTF-8, at most 32 levels deep)."))
            : (parsed, null);
    }

    /// <summary>Parses raw bytes as a JSON document under the same limits; null when malformed.</summary>
    public static JsonBody? Parse(byte[] raw)
    {
        ArgumentNullException.ThrowIfNull(raw);

        // The reader does not check the bytes inside strings; invalid UTF-8 would only surface later.
        if (!System.Text.Unicode.Utf8.IsValid(raw))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(raw, ParseOptions);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // The duplicate-property check unescapes names and meets an unpaired surrogate.
            return null;
        }

        if (!HasOnlyWellFormedText(document.RootElement))
        {
            document.Dispose();
            return null;
        }

        return new JsonBody(raw, document);
    }

    /// <summary>
    /// An escaped unpaired surrogate (<c>"\uD800"</c>) parses but cannot become a .NET string; found
    /// here, it is malformed JSON (400) instead of an exception wherever the text is read later.
    /// </summary>
    private static bool HasOnlyWellFormedText(JsonElement element)
    {
        try
        {
            Unescape(element);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Unescapes every property name and string; the reader throws on an unpaired surrogate.</summary>
    private static void Unescape(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    Unescape(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Unescape(item);
                }

                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }

    public void Dispose() => Document.Dispose();

    private static ProblemHttpResult TooLarge() =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBytes} bytes.");

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is null)
        {
            return false;
        }

        var charsetOk = parsed.CharSet is null || parsed.CharSet.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase);
        return charsetOk && parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Reads a stream to its end, or returns null once it passes <see cref="MaxBytes"/>.</summary>
    public static async Task<byte[]?> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

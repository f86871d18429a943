using System.Text.Json;

namespace AssetLedger.Api.Infrastructure;

/// <summary>A request body read under the size limit: parsed JSON, or why it could not be parsed.</summary>
public sealed record Body(JsonElement Root, string? ParseError, string ErrorField = "");

/// <summary>
/// The request-level pieces every /api endpoint shares, used by <see cref="ApiRequestFilter"/> and the
/// web pages: the body read under its size limit, the one parse path into a command (every field
/// error collected into one 400), the deadline, and the correlation id.
/// </summary>
public static class RequestPipeline
{
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>
    /// "Never a hang": a request that has no answer after this long gets a 503 with Retry-After.
    /// A frozen database does not fail a command until well after Npgsql's timeouts, so the
    /// service keeps its own deadline. The abandoned work finishes (or fails) on its own and is
    /// only logged: its result never touches the response. A command cut off this way may still
    /// commit; a replay with the same id answers what happened.
    /// </summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(4);

    /// <summary>
    /// The work's result, or null when <see cref="Deadline"/> passed first. Abandoned work is left
    /// to finish (or fail) on its own and only logged (category <paramref name="logCategory"/>; the
    /// logger is only created then, not on every request). Used by the API and by the web pages.
    /// </summary>
    public static async Task<T?> WithinDeadline<T>(Task<T> task, HttpContext http, Type logCategory, TimeSpan? deadline = null) where T : class
    {
        var limit = deadline ?? Deadline;
        try
        {
            // One timer per request, released as soon as the work finishes; a client that goes
            // away cancels the wait (OperationCanceledException, handled by the error middleware).
            return await task.WaitAsync(limit, http.RequestAborted);
        }
        catch (TimeoutException)
        {
            // The work itself may have ended just as the deadline passed (or failed with a timeout of
            // its own): then its own result or exception is the answer.
            if (task.IsCompleted) return await task;
            var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(logCategory);
            log.LogWarning("No answer within {Deadline} s; answering 503", limit.TotalSeconds);
            _ = task.ContinueWith(
                t => log.LogInformation("Work abandoned after the deadline ended: {Outcome}", t.IsFaulted ? t.Exception!.GetBaseException().GetType().Name : "completed"),
                TaskScheduler.Default);
            return null;
        }
    }

    /// <summary>The body as JSON (or why it is not JSON), or the 413/415 refusal.</summary>
    public static async Task<(Body?, IResult?)> ReadAsync(HttpContext http)
    {
        var request = http.Request;
        if (request.ContentLength > MaxBodyBytes)
            return (null, Problems.TooLarge($"The body is over {MaxBodyBytes / 1024} KiB."));

        if (!IsJson(request.ContentType))
            return (null, Problems.UnsupportedMediaType("Send the body as application/json."));

        // Read straight into one buffer, sized by Content-Length when the client sent it.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(request.ContentLength is > 0 and <= MaxBodyBytes ? (int)request.ContentLength.Value + 1 : 4096);
        int read;
        while ((read = await request.Body.ReadAsync(buffer.GetMemory(1024), http.RequestAborted)) > 0)
        {
            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBodyBytes)
                return (null, Problems.TooLarge($"The body is over {MaxBodyBytes / 1024} KiB."));
        }

        try
        {
            using var doc = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 32 });
            if (FirstInvalidString(doc.RootElement, "") is { } path)
                return (new Body(default, "Not valid Unicode text (a lone surrogate escape).", path), null);
            return (new Body(doc.RootElement.Clone(), null), null);
        }
        catch (JsonException ex)
        {
            return (new Body(default, $"The body is not valid JSON: {ex.Message}"), null);
        }
    }

    /// <summary>
    /// JSON allows escapes such as "\uD800" that are not text; reading them later would throw, so
    /// every string and property name is checked once here and such a body is a 400.
    /// </summary>
    private static string? FirstInvalidString(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return IsText(() => e.GetString()) ? null : path;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray())
                    if (FirstInvalidString(item, $"{path}[{i++}]") is { } bad) return bad;
                return null;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    string name = "";
                    if (!IsText(() => name = p.Name)) return path + ".<property name>";
                    if (FirstInvalidString(p.Value, path.Length == 0 ? name : path + "." + name) is { } bad) return bad;
                }
                return null;
            default:
                return null;
        }
    }

    private static bool IsText(Func<string?> read)
    {
        try
        {
            read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return false;
        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Parses the body into a command, or returns the 400 errors. A parse error of the JSON itself is one error.</summary>
    public static Dictionary<string, string[]>? Parse<T>(Body body, Func<Fields, T?> parse, out T? command) where T : class
    {
        command = null;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body.ParseError is not null) { errors[body.ErrorField] = [body.ParseError]; return errors; }
        if (Fields.Object(body.Root, errors) is not { } fields) return errors;
        var result = parse(fields);
        if (!fields.Ok || result is null) return fields.Errors.Count > 0 ? fields.Errors : new() { [""] = ["The body is not valid."] };
        command = result;
        return null;
    }

    /// <summary>
    /// Parses the body of a command on an existing stream, with its optional <c>expectedVersion</c>
    /// (api.md: if the stream has moved on, 409), read and checked with the command's own fields.
    /// </summary>
    public static Dictionary<string, string[]>? Parse<T>(Body body, Func<Fields, T?> parse, out T? command, out long? expectedVersion) where T : class
    {
        long? version = null;
        var errors = Parse(body, f =>
        {
            var result = parse(f);
            version = f.Long("expectedVersion");
            return result;
        }, out command);
        expectedVersion = errors is null ? version : null;
        return errors;
    }

    public static string CorrelationId(HttpContext http) =>
        http.Items.TryGetValue(CorrelationMiddleware.ItemKey, out var v) && v is string s ? s : http.TraceIdentifier;
}

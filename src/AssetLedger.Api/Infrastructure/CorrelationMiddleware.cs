using Serilog.Context;

namespace AssetLedger.Api.Infrastructure;

/// <summary>Takes <c>X-Correlation-ID</c> (or makes one), echoes it, and puts it on every log line of the request.</summary>
public sealed class CorrelationMiddleware(RequestDelegate next)
{
    public const string Header = "X-Correlation-ID";
    public const string ItemKey = "CorrelationId";

    public async Task InvokeAsync(HttpContext http)
    {
        var incoming = http.Request.Headers[Header].ToString();
        var id = IsAcceptable(incoming) ? incoming : Guid.NewGuid().ToString("N");
        http.Items[ItemKey] = id;
        http.Response.Headers[Header] = id;
        using (LogContext.PushProperty("CorrelationId", id))
            await next(http);
    }

    private static bool IsAcceptable(string value) =>
        value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}

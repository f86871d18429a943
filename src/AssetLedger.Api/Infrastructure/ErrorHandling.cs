using System.Net.Sockets;
using Npgsql;

namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// Last line: a database that does not answer is a 503 with Retry-After (logged as a warning);
/// anything else is a bug, logged as an error and answered 500 without internals.
/// </summary>
public sealed class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (Exception ex) when (IsDatabaseUnavailable(ex) && !http.Response.HasStarted)
        {
            log.LogWarning("Database unavailable: {Reason}", ex.GetBaseException().Message);
            Reset(http);
            http.Response.Headers.RetryAfter = "5";
            await Problems.WriteAsync(http, 503, "unavailable", "The database is unavailable.", "Retry in a few seconds.");
        }
        catch (BadHttpRequestException ex) when (!http.Response.HasStarted)
        {
            Reset(http);
            await Problems.WriteAsync(http, ex.StatusCode, "bad-request", "The request could not be read.", ex.Message);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            log.LogInformation("Request aborted by the client");
        }
        catch (Exception ex) when (!http.Response.HasStarted)
        {
            log.LogError(ex, "Unhandled exception: a bug");
            Reset(http);
            await Problems.WriteAsync(http, 500, "internal", "An unexpected error occurred.", "This is a bug; the correlation id identifies it in the logs.");
        }
    }

    /// <summary>Drops a half-written response but keeps the correlation id, so every answer is attributable.</summary>
    private static void Reset(HttpContext http)
    {
        http.Response.Clear();
        if (http.Items[CorrelationMiddleware.ItemKey] is string id) http.Response.Headers[CorrelationMiddleware.Header] = id;
    }

    public static bool IsDatabaseUnavailable(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case NpgsqlException { IsTransient: true }:
                case NpgsqlException { InnerException: SocketException or TimeoutException or IOException }:
                case PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" }:
                case SocketException:
                case TimeoutException:
                    return true;
            }
        }
        return false;
    }
}

using System.Text;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// The service's console log, written a batch at a time: Serilog's batching queue collects the
/// events (the request's thread only enqueues), and each batch is formatted into one buffered
/// writer and flushed once. One write to stdout per batch, not one per line, and no thread woken
/// per event. Every line is still written, in order; a batch waits at most the batching period
/// (<see cref="Options"/>), and disposing the logger (at shutdown) writes what is left.
/// </summary>
public sealed class BatchedConsoleSink(ITextFormatter formatter, Stream output) : IBatchedLogEventSink, IDisposable
{
    private readonly StreamWriter writer = new(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024) { AutoFlush = false };

    /// <summary>
    /// Batches of up to 1,000 events, at least every 200 ms (the first event at once). The queue
    /// holds 100,000 events; beyond that Serilog drops events and says so in its SelfLog, the same
    /// choice as the asynchronous sink this replaces (which dropped beyond 10,000) rather than
    /// making requests wait for stdout.
    /// </summary>
    public static BatchingOptions Options => new()
    {
        BatchSizeLimit = 1000,
        BufferingTimeLimit = TimeSpan.FromMilliseconds(200),
        EagerlyEmitFirstEvent = true,
        QueueLimit = 100_000,
    };

    public Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        foreach (var e in batch) formatter.Format(e, writer);
        writer.Flush();
        return Task.CompletedTask;
    }

    public void Dispose() => writer.Flush();
}

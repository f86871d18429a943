using System.Text;
using AssetLedger.Api.Infrastructure;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace AssetLedger.Api.Tests.Logging;

/// <summary>The batched console sink writes every event, in order, once per batch.</summary>
public sealed class when_writing_the_console_log
{
    private static readonly MessageTemplateTextFormatter Format = new("{Level:u3} {Message:lj}{NewLine}");

    private static LogEvent Event(string text) =>
        new(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, new MessageTemplateParser().Parse(text), []);

    [Fact]
    public async Task a_batch_is_written_in_order_and_flushed_when_it_ends()
    {
        var output = new MemoryStream();
        var sink = new BatchedConsoleSink(Format, output);

        await sink.EmitBatchAsync([Event("one"), Event("two"), Event("three")]);

        Assert.Equal("INF one\nINF two\nINF three\n", Encoding.UTF8.GetString(output.ToArray()).Replace("\r\n", "\n"));
        await sink.EmitBatchAsync([Event("four")]);
        Assert.EndsWith("INF four\n", Encoding.UTF8.GetString(output.ToArray()).Replace("\r\n", "\n"));
    }

    [Fact]
    public void closing_the_logger_writes_every_queued_event_in_order()
    {
        var output = new MemoryStream();
        var logger = new LoggerConfiguration()
            .WriteTo.Sink(new BatchedConsoleSink(Format, output), BatchedConsoleSink.Options)
            .CreateLogger();

        for (var i = 0; i < 5000; i++) logger.Information("line {N}", i);
        logger.Dispose();

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"INF line {i}"), lines);
    }
}

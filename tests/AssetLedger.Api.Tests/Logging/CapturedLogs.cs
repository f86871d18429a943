using System.Collections.Concurrent;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace AssetLedger.Api.Tests.Logging;

/// <summary>
/// A Serilog sink that keeps every event in memory. Registered as an <see cref="ILogEventSink"/>
/// singleton in a test host, it receives the service's events because Program.cs builds its logger
/// with <c>.ReadFrom.Services(services)</c>.
/// </summary>
public sealed class CapturedLogs : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    public IReadOnlyList<LogEvent> Events => [.. _events];

    public const string RequestLoggingSource = "Serilog.AspNetCore.RequestLoggingMiddleware";

    /// <summary>The one event Serilog's request logging writes when a request completes.</summary>
    public IReadOnlyList<LogEvent> RequestCompletions =>
        Events.Where(e => Scalar(e, "SourceContext") == RequestLoggingSource).ToList();

    public static string? Scalar(LogEvent e, string property) =>
        e.Properties.TryGetValue(property, out var value) && value is ScalarValue { Value: var v } ? v?.ToString() : null;

    /// <summary>Everything an event could put in a log file: its rendered message, its template, every property
    /// name and value (nested structures, sequences and dictionaries included) and its exception.</summary>
    public static IEnumerable<string> Texts(LogEvent e)
    {
        yield return e.MessageTemplate.Text;
        yield return e.RenderMessage();
        foreach (var (name, value) in e.Properties)
        {
            yield return name;
            foreach (var text in Texts(value))
                yield return text;
        }
        if (e.Exception is not null)
            yield return e.Exception.ToString();
    }

    private static IEnumerable<string> Texts(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue s:
                if (s.Value is not null) yield return Convert.ToString(s.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                if (s.Value is byte[] bytes) yield return Encoding.UTF8.GetString(bytes);
                break;
            case SequenceValue seq:
                foreach (var element in seq.Elements)
                    foreach (var text in Texts(element))
                        yield return text;
                break;
            case StructureValue structure:
                if (structure.TypeTag is not null) yield return structure.TypeTag;
                foreach (var property in structure.Properties)
                {
                    yield return property.Name;
                    foreach (var text in Texts(property.Value))
                        yield return text;
                }
                break;
            case DictionaryValue dictionary:
                foreach (var (key, element) in dictionary.Elements)
                {
                    foreach (var text in Texts(key))
                        yield return text;
                    foreach (var text in Texts(element))
                        yield return text;
                }
                break;
        }
        // Whatever a sink would print, in case a future value type is none of the above.
        yield return value.ToString();
    }

    /// <summary>One line per event, for assertion messages.</summary>
    public static string Describe(LogEvent e)
    {
        var properties = string.Join(", ", e.Properties.Select(p => $"{p.Key}={p.Value}"));
        return $"[{e.Level}] {e.RenderMessage()} {{{properties}}}{(e.Exception is null ? "" : " " + e.Exception.GetType().Name)}";
    }
}

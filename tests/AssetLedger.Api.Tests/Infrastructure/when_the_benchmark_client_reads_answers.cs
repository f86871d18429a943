using System.Net;
using System.Net.Sockets;
using System.Text;
using AssetLedger.Benchmarks;

namespace AssetLedger.Api.Tests.Infrastructure;

/// <summary>
/// The benchmark's load client (src/AssetLedger.Benchmarks/LoadClient.cs, compiled into this project)
/// against a scripted HTTP/1.1 server: what it sends, and how it reads fixed-length, chunked and
/// closing answers, whole or in pieces. A misread answer would turn into wrong figures or errors.
/// </summary>
public sealed class when_the_benchmark_client_reads_answers : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<string> requests = [];
    private int connections;

    public when_the_benchmark_client_reads_answers() => listener.Start();

    private Uri BaseUrl => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

    /// <summary>A client that reads too much or too little waits for bytes that never come: fail instead of hanging.</summary>
    private static Task<T> Bounded<T>(Task<T> task) => task.WaitAsync(TimeSpan.FromSeconds(10));

    private static Task Bounded(Task task) => task.WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Serves each connection: reads one request, writes the next scripted answer in pieces of <paramref name="piece"/> bytes.</summary>
    private Task Serve(Queue<string> answers, int piece = int.MaxValue, int closeAfterBytes = int.MaxValue) => Task.Run(async () =>
    {
        while (answers.Count > 0)
        {
            using var client = await listener.AcceptTcpClientAsync();
            Interlocked.Increment(ref connections);
            var stream = client.GetStream();
            while (answers.Count > 0)
            {
                var request = await ReadRequestAsync(stream);
                if (request is null) break;
                lock (requests) requests.Add(request);
                var answer = answers.Dequeue();
                var bytes = Encoding.ASCII.GetBytes(answer);
                var limit = Math.Min(bytes.Length, closeAfterBytes);
                for (var at = 0; at < limit; at += piece)
                {
                    await stream.WriteAsync(bytes.AsMemory(at, Math.Min(piece, limit - at)));
                    await stream.FlushAsync();
                }
                if (limit < bytes.Length || answer.Contains("Connection: close", StringComparison.Ordinal)) break;
            }
        }
    });

    private static async Task<string?> ReadRequestAsync(NetworkStream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[1];
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer) == 0) return null;
            text.Append((char)buffer[0]);
        }
        var head = text.ToString();
        var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.Ordinal));
        var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim());
        for (var i = 0; i < length; i++)
        {
            if (await stream.ReadAsync(buffer) == 0) return null;
            text.Append((char)buffer[0]);
        }
        return text.ToString();
    }

    private const string Fixed = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"status\":1}\n";
    private const string Chunked = "HTTP/1.1 409 Conflict\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n";

    [Fact]
    public async Task it_sends_the_request_and_reads_fixed_and_chunked_answers_on_one_connection()
    {
        var server = Serve(new Queue<string>([Fixed, Chunked, "HTTP/1.1 204 No Content\r\n\r\n"]));
        using var client = new LoadClient(BaseUrl);

        Assert.Equal((200, 13), await Bounded(client.SendAsync("GET", "/api/assets/a1", "tok-1")));
        Assert.Equal((409, 31), await Bounded(client.SendAsync("POST", "/api/assets/a1/seize", "tok-2", Encoding.UTF8.GetBytes("{\"x\":\"é\"}"))));
        Assert.Equal((204, 0), await Bounded(client.SendAsync("GET", "/health/live", "tok-3")));
        await Bounded(server);

        Assert.Equal(1, connections);
        Assert.StartsWith("GET /api/assets/a1 HTTP/1.1\r\nHost: 127.0.0.1:", requests[0], StringComparison.Ordinal);
        Assert.Contains("\r\nAuthorization: Bearer tok-1\r\n", requests[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length", requests[0], StringComparison.Ordinal);
        Assert.StartsWith("POST /api/assets/a1/seize HTTP/1.1\r\n", requests[1], StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n", requests[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task it_reads_answers_that_arrive_a_byte_at_a_time()
    {
        var server = Serve(new Queue<string>([Chunked, Fixed]), piece: 1);
        using var client = new LoadClient(BaseUrl);

        Assert.Equal((409, 31), await Bounded(client.SendAsync("GET", "/a", "t")));
        Assert.Equal((200, 13), await Bounded(client.SendAsync("GET", "/b", "t")));
        await Bounded(server);
    }

    [Fact]
    public async Task it_opens_a_new_connection_after_the_service_closes_one()
    {
        var closing = "HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno";
        var server = Serve(new Queue<string>([closing, Fixed]));
        using var client = new LoadClient(BaseUrl);

        Assert.Equal((413, 2), await Bounded(client.SendAsync("GET", "/a", "t")));
        Assert.Equal((200, 13), await Bounded(client.SendAsync("GET", "/b", "t")));
        await Bounded(server);

        Assert.Equal(2, connections);
    }

    [Fact]
    public async Task an_answer_cut_short_is_an_error_and_the_next_request_reconnects()
    {
        var server = Serve(new Queue<string>([Fixed]), closeAfterBytes: 30);
        using var client = new LoadClient(BaseUrl);

        await Assert.ThrowsAsync<IOException>(() => Bounded(client.SendAsync("GET", "/a", "t")));
        await Bounded(server);

        var again = Serve(new Queue<string>([Fixed]));
        Assert.Equal((200, 13), await Bounded(client.SendAsync("GET", "/b", "t")));
        await Bounded(again);
        Assert.Equal(2, connections);
    }

    [Fact]
    public async Task it_reads_an_answer_whose_headers_are_longer_than_its_buffer()
    {
        var longHeader = "HTTP/1.1 200 OK\r\nX-Padding: " + new string('x', 40_000) + "\r\nContent-Length: 3\r\n\r\nabc";
        var server = Serve(new Queue<string>([longHeader, Fixed]), piece: 1500);
        using var client = new LoadClient(BaseUrl);

        Assert.Equal((200, 3), await Bounded(client.SendAsync("GET", "/a", "t")));
        Assert.Equal((200, 13), await Bounded(client.SendAsync("GET", "/b", "t")));
        await Bounded(server);
    }

    public void Dispose() => listener.Stop();
}

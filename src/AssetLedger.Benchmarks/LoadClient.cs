using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AssetLedger.Benchmarks;

/// <summary>
/// The timed windows' HTTP client: one HTTP/1.1 keep-alive connection per load worker, requests
/// written from one buffer, the answer read to its end (Content-Length or chunked) and only its
/// status and size kept. It does what a load generator such as wrk does and no more, so that the
/// client's own CPU, which shares the machine's two cores with the service, stays close to that of
/// the raw baseline's client (Npgsql). Seeding and checks use <see cref="Api"/> (HttpClient).
/// </summary>
public sealed class LoadClient : IDisposable
{
    /// <summary>An answer that takes longer than this is an error (the window must end even if the service hangs).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly IPEndPoint endpoint;
    private CancellationTokenSource deadline = new();
    private readonly byte[] hostHeader;
    private Socket? socket;
    private byte[] request = new byte[4096];
    private byte[] buffer = new byte[16 * 1024];
    private int start, end; // unread bytes of the answer are buffer[start..end)

    public LoadClient(Uri baseUrl)
    {
        endpoint = new IPEndPoint(IPAddress.Parse(baseUrl.Host), baseUrl.Port);
        hostHeader = Encoding.ASCII.GetBytes($"Host: {baseUrl.Host}:{baseUrl.Port}\r\n");
    }

    /// <summary>The answer's status and body size. A broken connection throws and is reopened by the next call.</summary>
    public async Task<(int Status, int BodyBytes)> SendAsync(string method, string path, string token, byte[]? body = null)
    {
        var length = WriteRequest(method, path, token, body);
        if (!deadline.TryReset())
        {
            deadline.Dispose();
            deadline = new CancellationTokenSource();
        }
        deadline.CancelAfter(Timeout);
        var ct = deadline.Token;
        try
        {
            socket ??= await ConnectAsync(ct);
            await SendAllAsync(request.AsMemory(0, length), ct);
            return await ReadResponseAsync(ct);
        }
        catch
        {
            Close();
            throw;
        }
    }

    private async Task<Socket> ConnectAsync(CancellationToken ct)
    {
        var s = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await s.ConnectAsync(endpoint, ct);
        }
        catch
        {
            s.Dispose();
            throw;
        }
        start = end = 0;
        return s;
    }

    private int WriteRequest(string method, string path, string token, byte[]? body)
    {
        var needed = method.Length + path.Length + token.Length + hostHeader.Length + 128 + (body?.Length ?? 0);
        if (request.Length < needed) request = new byte[needed * 2];
        var at = 0;
        void Ascii(string s) => at += Encoding.ASCII.GetBytes(s, request.AsSpan(at));
        void Raw(ReadOnlySpan<byte> b) { b.CopyTo(request.AsSpan(at)); at += b.Length; }
        Ascii(method); Raw(" "u8); Ascii(path); Raw(" HTTP/1.1\r\n"u8);
        Raw(hostHeader);
        Raw("Authorization: Bearer "u8); Ascii(token); Raw("\r\n"u8);
        if (body is not null)
        {
            Raw("Content-Type: application/json\r\nContent-Length: "u8);
            Utf8Formatter.TryFormat(body.Length, request.AsSpan(at), out var digits);
            at += digits;
            Raw("\r\n\r\n"u8);
            Raw(body);
        }
        else Raw("\r\n"u8);
        return at;
    }

    private async Task SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (data.Length > 0)
        {
            var sent = await socket!.SendAsync(data, SocketFlags.None, ct);
            data = data[sent..];
        }
    }

    private async Task<(int, int)> ReadResponseAsync(CancellationToken ct)
    {
        // Status line and headers.
        int headerEnd;
        while ((headerEnd = buffer.AsSpan(start, end - start).IndexOf("\r\n\r\n"u8)) < 0) await FillAsync(ct);
        var (status, contentLength, chunked, close) = ParseHead(buffer.AsSpan(start, headerEnd));
        start += headerEnd + 4;

        var bodyBytes = 0;
        if (chunked)
        {
            while (true)
            {
                var size = (int)await ReadChunkSizeAsync(ct);
                if (size == 0) { await SkipAsync(2, ct); break; } // no trailers from Kestrel: the last "\r\n"
                await SkipAsync(size + 2, ct);
                bodyBytes += size;
            }
        }
        else if (contentLength > 0)
        {
            await SkipAsync((int)contentLength, ct);
            bodyBytes = (int)contentLength;
        }
        if (close) Close();
        return (status, bodyBytes);
    }

    private static (int Status, long ContentLength, bool Chunked, bool Close) ParseHead(ReadOnlySpan<byte> head)
    {
        if (head.Length < 12 || !head.StartsWith("HTTP/1.1 "u8) || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
            throw new IOException("Not an HTTP/1.1 answer.");
        long contentLength = -1;
        bool chunked = false, close = false;
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            var colon = line.IndexOf((byte)':');
            if (colon < 0) continue;
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8)) Utf8Parser.TryParse(value, out contentLength, out _);
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8)) chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8)) close = Ascii.EqualsIgnoreCase(value, "close"u8);
        }
        return (status, contentLength, chunked, close);
    }

    private async Task<long> ReadChunkSizeAsync(CancellationToken ct)
    {
        int lineEnd;
        while ((lineEnd = buffer.AsSpan(start, end - start).IndexOf("\r\n"u8)) < 0) await FillAsync(ct);
        var line = buffer.AsSpan(start, lineEnd);
        var semicolon = line.IndexOf((byte)';');
        if (semicolon >= 0) line = line[..semicolon];
        if (!Utf8Parser.TryParse(line, out long size, out _, 'X')) throw new IOException("Bad chunk size.");
        start += lineEnd + 2;
        return size;
    }

    private async Task SkipAsync(int count, CancellationToken ct)
    {
        while (true)
        {
            var available = end - start;
            if (available >= count) { start += count; return; }
            count -= available;
            start = end = 0;
            await FillAsync(ct);
        }
    }

    /// <summary>Reads more of the answer after the unread bytes (moved to the front; the buffer grows for a long header).</summary>
    private async Task FillAsync(CancellationToken ct)
    {
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
        var read = await socket!.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, ct);
        if (read == 0) throw new IOException("The service closed the connection.");
        end += read;
    }

    private void Close()
    {
        socket?.Dispose();
        socket = null;
        start = end = 0;
    }

    public void Dispose()
    {
        Close();
        deadline.Dispose();
    }
}

/// <summary>One <see cref="LoadClient"/> per load worker.</summary>
public sealed class LoadClients(Uri baseUrl, int count) : IDisposable
{
    private readonly LoadClient[] clients = Enumerable.Range(0, count).Select(_ => new LoadClient(baseUrl)).ToArray();

    public LoadClient this[int worker] => clients[worker];

    public void Dispose()
    {
        foreach (var c in clients) c.Dispose();
    }
}

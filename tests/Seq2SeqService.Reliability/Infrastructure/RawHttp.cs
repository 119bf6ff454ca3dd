using System.Net.Sockets;
using System.Text;

namespace Seq2SeqService.Reliability.Infrastructure;

/// <summary>A response read off a socket, for requests no HTTP client would send.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>Sends bytes as they are and reads one HTTP/1.1 response (Content-Length or chunked).</summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(int port, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request);
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything (an oversized header, say).
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (!timeout.IsCancellationRequested)
        {
            if (TryParse(received.ToArray(), out var response))
            {
                return response!;
            }

            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                read = 0;
            }

            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
        }

        return TryParse(received.ToArray(), out var last)
            ? last!
            : throw new InvalidOperationException($"No complete response; got: {Encoding.ASCII.GetString(received.ToArray())}");
    }

    private static bool TryParse(byte[] bytes, out RawResponse? response)
    {
        response = null;
        var headerEnd = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            return false;
        }

        var lines = Encoding.ASCII.GetString(bytes, 0, headerEnd).Split("\r\n");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2))
            .GroupBy(p => p[0].Trim().ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.First()[1].Trim());
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var rest = bytes.AsSpan(headerEnd + 4);
        byte[]? body;
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(rest);
        }
        else
        {
            var length = headers.TryGetValue("content-length", out var value)
                ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
                : 0;
            body = rest.Length >= length ? rest[..length].ToArray() : null;
        }

        if (body is null)
        {
            return false;
        }

        response = new RawResponse(status, headers, Encoding.UTF8.GetString(body));
        return true;
    }

    /// <summary>The chunked body's bytes, or null while the last chunk has not arrived.</summary>
    private static byte[]? Dechunk(ReadOnlySpan<byte> chunked)
    {
        var body = new MemoryStream();
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return null;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked[..lineEnd]), 16);
            if (size == 0)
            {
                return body.ToArray();
            }

            if (chunked.Length < lineEnd + 2 + size + 2)
            {
                return null;
            }

            body.Write(chunked.Slice(lineEnd + 2, size));
            chunked = chunked[(lineEnd + 2 + size + 2)..];
        }
    }
}

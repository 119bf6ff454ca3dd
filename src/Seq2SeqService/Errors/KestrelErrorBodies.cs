using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Seq2SeqService.Errors;

/// <summary>
/// Kestrel answers a request it cannot parse (request line or headers: 400, 414, 431, 505) itself, before the app
/// sees it, with an empty body, and offers no hook to shape that answer. This connection middleware recognises
/// such a response as it is written — a header block alone, starting right after a flush, with an error status,
/// <c>Content-Length: 0</c> and no <c>Content-Type</c>, which the app never sends because all its errors are
/// problem+json — and replaces it with the same status and headers plus a problem+json body.
/// </summary>
public static class KestrelErrorBodies
{
    public static void UseProblemBodies(this ListenOptions listen) => listen.Use(next => async connection =>
    {
        var transport = connection.Transport;
        connection.Transport = new DuplexPipe(transport.Input, new ProblemBodyWriter(transport.Output));
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    });

    /// <summary>The problem+json response to send instead of <paramref name="written"/>, or null to leave it.</summary>
    public static byte[]? Rewrite(ReadOnlySpan<byte> written)
    {
        if (!written.StartsWith("HTTP/1.1 "u8) || !written.EndsWith("\r\n\r\n"u8) ||
            written.IndexOf("\r\n\r\n"u8) != written.Length - 4)
        {
            return null;
        }

        var lines = Encoding.ASCII.GetString(written[..^4]).Split("\r\n");
        var statusLine = lines[0].Split(' ', 3);
        if (statusLine.Length < 2 || !int.TryParse(statusLine[1], out var status) || !(status is >= 400 and < 500 or 505))
        {
            return null;
        }

        var headers = lines.Skip(1).ToList();
        if (!headers.Contains("Content-Length: 0", StringComparer.OrdinalIgnoreCase) ||
            headers.Any(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var title = statusLine.Length > 2 ? statusLine[2] : "Bad request";
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["title"] = title,
            ["status"] = status,
            ["detail"] = Detail(status),
        });
        var head = new StringBuilder().Append(lines[0]).Append("\r\n")
            .Append("Content-Type: application/problem+json\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n");
        foreach (var header in headers.Where(h => !h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append(header).Append("\r\n");
        }

        return [.. Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), .. body];
    }

    private static string Detail(int status) => status switch
    {
        StatusCodes.Status414UriTooLong => "The request line (method, path and query) is longer than this server accepts.",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "The request headers are larger or more numerous than this server accepts.",
        StatusCodes.Status505HttpVersionNotsupported => "The HTTP version of the request is not supported; use HTTP/1.1.",
        _ => "The request line or headers could not be parsed as HTTP.",
    };

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    /// <summary>Passes writes through, looking only at the first block written after each flush.</summary>
    private sealed class ProblemBodyWriter(PipeWriter inner) : PipeWriter
    {
        private Memory<byte> _lent;
        private bool _afterFlush = true;

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _lent = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            var replacement = _afterFlush ? Rewrite(_lent.Span[..bytes]) : null;
            _afterFlush = false;
            if (replacement is null)
            {
                inner.Advance(bytes);
                return;
            }

            // Nothing was committed yet, so the replacement simply overwrites the uncommitted bytes.
            inner.Write(replacement);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            _afterFlush = true;
            return inner.FlushAsync(cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}

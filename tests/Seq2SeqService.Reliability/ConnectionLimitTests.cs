using System.Net.Sockets;
using System.Text;
using Seq2SeqService.Reliability.Infrastructure;
using Seq2SeqService.Testing;

namespace Seq2SeqService.Reliability;

/// <summary>Service:Server:MaxConcurrentConnections caps open connections on the real server.</summary>
public sealed class ConnectionLimitTests
{
    private static readonly byte[] Live = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray();

    [Fact]
    public async Task Connections_beyond_the_cap_are_closed_and_a_freed_slot_is_usable_again()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string>
        {
            ["Service:Server:MaxConcurrentConnections"] = "1",
        });
        // The harness's own client holds a pooled connection from the readiness check; release it. Kestrel frees
        // a slot when it sees the close, so the holder keeps trying until it is the one connection served.
        service.Http.Dispose();
        TcpClient? holder = null;
        await Poll.UntilAsync(async () =>
        {
            holder?.Dispose();
            holder = new TcpClient();
            return await AnswersAsync(holder, service.Port);
        }, "a connection holds the single slot");

        using var second = new TcpClient();
        (await AnswersAsync(second, service.Port)).Should().BeFalse("the only slot is held by a keep-alive connection");

        holder!.Dispose();
        await Poll.UntilAsync(async () =>
        {
            using var next = new TcpClient();
            return await AnswersAsync(next, service.Port);
        }, "the slot is free again");
    }

    private static async Task<bool> AnswersAsync(TcpClient client, int port)
    {
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        try
        {
            await client.GetStream().WriteAsync(Live);
            return (await ReadSomeAsync(client.GetStream())).StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<string> ReadSomeAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}

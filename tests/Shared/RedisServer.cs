using System.Diagnostics;

namespace Seq2SeqService.Testing;

/// <summary>
/// A real <c>redis-server</c> (Debian's package) on a free loopback port, in memory only, for as long as the test
/// holds it: the reference the Redis document store is checked against, never a fake.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RedisServer(int port)
    {
        Port = port;
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Ready to accept connections", StringComparison.Ordinal) == true)
            {
                _ready.TrySetResult();
            }
        };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis connection string of this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts a server and returns once it says it accepts connections.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(ServiceProcess.FreePort());
        var exited = server._process.WaitForExitAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        if (await Task.WhenAny(server._ready.Task, exited, Task.Delay(Timeout.Infinite, deadline.Token)) != server._ready.Task)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException("redis-server did not start; is Debian's redis-server package installed?");
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

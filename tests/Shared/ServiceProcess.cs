using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Seq2SeqService.Testing;

/// <summary>
/// The built service as its own process, started the way a container or an operator starts it, with settings passed
/// as environment variables (":" written "__"). Tests wait on what the process says (log lines, readiness, exit code,
/// metrics) and read its memory from /proc. The one process harness of the test projects, compiled into each.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _awaitedLines = [];
    private readonly HttpClient? _http;

    private ServiceProcess(IEnumerable<string> args, IReadOnlyDictionary<string, string>? settings, int? port,
        string? workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(ServiceDll)!,
        };
        start.ArgumentList.Add(ServiceDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        if (port is { } listening)
        {
            Port = listening;
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://127.0.0.1:{listening}");
            // Per-request lines would cost more than the load they describe; the scheduler's lines (warm-up among
            // them) are the events.
            start.Environment["Serilog__MinimumLevel__Override__Seq2SeqService.Scheduling"] = "Information";
            start.Environment["Serilog__MinimumLevel__Override__Microsoft.Hosting.Lifetime"] = "Information";
            _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{listening}"),
                Timeout = TimeSpan.FromMinutes(2),
            };
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// The service under test: the build beside the tests, or another build's dll named by
    /// <c>SEQ2SEQ_SERVICE_DLL</c> (to measure a baseline, e.g. main, with the same suite).
    /// </summary>
    public static string ServiceDll { get; } = Environment.GetEnvironmentVariable("SEQ2SEQ_SERVICE_DLL") is { Length: > 0 } dll
        ? dll
        : Path.Combine(AppContext.BaseDirectory, "Seq2SeqService.dll");

    /// <summary>The loopback port a process started by <see cref="StartAsync"/> listens on.</summary>
    public int Port { get; }

    /// <summary>A client of a process started by <see cref="StartAsync"/>.</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException("Only a process started by StartAsync has a known address");

    /// <summary>Everything the process wrote to stdout and stderr so far, one line per event.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the service on a free loopback port and returns once it has logged its warm-up and its listener and
    /// says it is ready.
    /// </summary>
    /// <param name="workingDirectory">Where it starts; by default the folder of <see cref="ServiceDll"/>.</param>
    public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string>? settings = null,
        string? workingDirectory = null)
    {
        var service = new ServiceProcess([], settings, FreePort(), workingDirectory);
        // The warm-up may finish before the server listens: wait for both.
        var warm = Task.WhenAll(service.WhenLogged("Warm-up done"), service.WhenLogged("Now listening on"));
        var exited = service._process.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        if (await Task.WhenAny(warm, exited, Task.Delay(Timeout.Infinite, timeout.Token)) != warm)
        {
            await service.DisposeAsync();
            throw new InvalidOperationException("The service did not warm up:\n" + service.Output);
        }

        var ready = await service.Http.GetAsync("/health/ready");
        ready.EnsureSuccessStatusCode();
        return service;
    }

    /// <summary>Runs the service with these arguments until it exits by itself (a switch, a start-up failure).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        await using var process = new ServiceProcess(args, settings, port: null, workingDirectory: null);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, process.Output);
    }

    /// <summary>Completes when a line containing <paramref name="text"/> appears (or has appeared).</summary>
    public Task WhenLogged(string text)
    {
        lock (_output)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_output.ToString().Contains(text, StringComparison.Ordinal))
            {
                seen.SetResult();
            }
            else
            {
                _awaitedLines.Add((text, seen));
            }

            return seen.Task;
        }
    }

    /// <summary>Asks the process to stop, as <c>docker stop</c> and Kubernetes do.</summary>
    public void SendSigterm()
    {
        if (Kill(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        // The parameterless wait also waits for the redirected output to be read to its end.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Resident and peak resident memory in MiB, from /proc (VmRSS, VmHWM).</summary>
    public (double Rss, double PeakRss) Memory()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status");
        return (Kibibytes(status, "VmRSS:") / 1024.0, Kibibytes(status, "VmHWM:") / 1024.0);
    }

    /// <summary>The first sample of a metric in the Prometheus scrape (any labels, any unit suffix).</summary>
    public async Task<double> MetricAsync(string name)
    {
        var scrape = await Http.GetStringAsync("/metrics");
        var match = Regex.Match(scrape, $@"^{Regex.Escape(name)}(?:_[a-z]+)?(?:\{{[^}}]*\}})? ([^ \n]+)", RegexOptions.Multiline);
        if (!match.Success)
        {
            throw new InvalidOperationException($"No sample of {name} in /metrics:\n{scrape}");
        }

        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http?.Dispose();
    }

    private static long Kibibytes(string[] status, string key) =>
        long.Parse(status.Single(l => l.StartsWith(key, StringComparison.Ordinal))[key.Length..].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(line).Append('\n');
            foreach (var awaited in _awaitedLines.Where(a => line.Contains(a.Text, StringComparison.Ordinal)).ToList())
            {
                awaited.Seen.TrySetResult();
                _awaitedLines.Remove(awaited);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

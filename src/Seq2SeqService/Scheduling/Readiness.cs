using System.Collections.Concurrent;

namespace Seq2SeqService.Scheduling;

/// <summary>
/// Whether the service can take traffic: every model loaded and warmed up by a real translation, and not
/// stopping (so a load balancer stops sending requests that would only be refused).
/// </summary>
public sealed class Readiness
{
    private readonly ConcurrentDictionary<string, bool> _warm = new(StringComparer.Ordinal);
    private volatile string _status = "warming-up";

    public bool IsReady => _status == "ready";

    /// <summary><c>warming-up</c>, <c>ready</c> or <c>stopping</c>.</summary>
    public string Status => _status;

    /// <summary>Whether the model has translated its warm-up text.</summary>
    public bool IsWarm(string model) => _warm.ContainsKey(model);

    public void MarkWarm(string model) => _warm[model] = true;

    public void MarkReady()
    {
        if (_status == "warming-up")
        {
            _status = "ready";
        }
    }

    public void MarkStopping() => _status = "stopping";
}

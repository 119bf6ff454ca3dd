namespace Seq2SeqService.Scheduling;

/// <summary>
/// Whether the service can take traffic: every model loaded and warmed up by a real translation, and not
/// stopping (so a load balancer stops sending requests that would only be refused).
/// </summary>
public sealed class Readiness
{
    private volatile string _status = "warming-up";

    public bool IsReady => _status == "ready";

    /// <summary><c>warming-up</c>, <c>ready</c> or <c>stopping</c>.</summary>
    public string Status => _status;

    public void MarkReady()
    {
        if (_status == "warming-up")
        {
            _status = "ready";
        }
    }

    public void MarkStopping() => _status = "stopping";
}

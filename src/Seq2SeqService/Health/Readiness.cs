namespace Seq2SeqService.Health;

/// <summary>Whether the service can take traffic: every model loaded and warmed up by a real translation.</summary>
public sealed class Readiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;
}

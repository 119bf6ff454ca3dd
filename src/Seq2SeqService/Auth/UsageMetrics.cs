using System.Diagnostics.Metrics;

namespace Seq2SeqService.Auth;

/// <summary>Per-key usage instruments, on the service's meter so the metrics endpoint exports them.</summary>
public sealed class UsageMetrics
{
    private readonly Counter<long> _requests;
    private readonly Counter<long> _characters;
    private readonly Counter<long> _refusals;

    public UsageMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Metrics.ServiceMetrics.MeterName);
        _requests = meter.CreateCounter<long>("seq2seq.api_key.requests", "{request}",
            "Requests to key-guarded endpoints that got past the key check, by key name and status code.");
        _characters = meter.CreateCounter<long>("seq2seq.api_key.characters", "{character}",
            "Characters translated and charged to a key's monthly quota, by key name.");
        _refusals = meter.CreateCounter<long>("seq2seq.api_key.refusals", "{request}",
            "Requests refused for a missing or wrong key, the request rate or the character quota, by reason.");
    }

    public void Answered(ApiCaller caller, int status) =>
        _requests.Add(1, new KeyValuePair<string, object?>("key", caller.Name),
            new KeyValuePair<string, object?>("status", status));

    public void Charged(ApiCaller caller, long characters) =>
        _characters.Add(characters, new KeyValuePair<string, object?>("key", caller.Name));

    public void Refused(string reason) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));
}

using System.Globalization;

namespace Seq2SeqService.Application;

/// <summary>
/// How long a request may take from its acceptance to its answer: the shorter of the request's
/// <c>options.timeout_ms</c> and the service's <c>Service:Batching:RequestTimeoutSeconds</c>.
/// </summary>
/// <param name="Timeout">The time allowed, counted from acceptance (queue time included).</param>
/// <param name="Source">The setting that set it, as the client may look it up.</param>
public sealed record RequestDeadline(TimeSpan Timeout, string Source)
{
    /// <summary>The deadline that applies, or null when neither the request nor the service sets one.</summary>
    /// <param name="timeoutMs">The request's <c>timeout_ms</c>, already checked to be in range.</param>
    /// <param name="serviceSeconds">The service's limit; 0 is none.</param>
    public static RequestDeadline? Of(int? timeoutMs, double serviceSeconds)
    {
        var service = serviceSeconds > 0
            ? new RequestDeadline(TimeSpan.FromSeconds(serviceSeconds), "Service:Batching:RequestTimeoutSeconds")
            : null;
        if (timeoutMs is not { } ms)
        {
            return service;
        }

        var request = new RequestDeadline(TimeSpan.FromMilliseconds(ms), "options.timeout_ms");
        // On a tie the request's own setting is named: it is the one the client can change.
        return service is null || request.Timeout <= service.Timeout ? request : service;
    }

    /// <summary>What the client is told when the deadline passed before the request finished.</summary>
    public string Message =>
        $"The request did not finish within its deadline of {Timeout.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms " +
        $"({Source}), counted from its acceptance with queue time included; it was stopped and no partial result is " +
        "returned. Send fewer or shorter texts, lower num_beams or max_new_tokens, or allow more time.";
}

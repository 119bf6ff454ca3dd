using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Seq2SeqService.Metrics;

/// <summary>
/// The service's instruments, on a meter owned by this host's <see cref="IMeterFactory"/>, and its batch
/// spans, on an activity source of the same name (spans exist only while a tracer listens).
/// </summary>
public sealed class ServiceMetrics
{
    public const string MeterName = "Seq2SeqService";

    /// <summary>
    /// The <c>api</c> label of the native API and of the service's own endpoints; the compatible APIs' endpoints are
    /// labelled with their endpoint group names (<c>libretranslate</c>, <c>deepl</c>).
    /// </summary>
    public const string NativeApi = "native";

    private static readonly ActivitySource Spans = new(MeterName);

    private static readonly double[] SecondsBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Counter<long> _requests;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _generatedTokens;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _translateDuration;
    private readonly Histogram<double> _stepDuration;

    public ServiceMetrics(IMeterFactory meterFactory, IQueueDepth queue)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("seq2seq.requests", "{request}",
            "HTTP requests answered, by route, API and status code.");
        meter.CreateObservableGauge("seq2seq.queue.depth", () => queue.Waiting, "{request}",
            "Accepted translate requests not yet started by a batch.");
        meter.CreateObservableGauge("seq2seq.queue.admitted", () => queue.Admitted, "{request}",
            "Accepted translate requests not yet answered (waiting or running); 0 once every one has been freed.");
        // Rows, not sequences: a beam-4 sentence is four rows, and a step decodes every row its batch holds then.
        _batchSize = meter.CreateHistogram("seq2seq.batch.size", "{row}", "Decoder rows per decoder step, by model.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        _generatedTokens = meter.CreateCounter<long>("seq2seq.generated.tokens", "{token}",
            "Tokens of the translations answered (every candidate, end-of-sequence included), by model and API.");
        _queueWait = meter.CreateHistogram("seq2seq.queue.wait", "s",
            "Time from acceptance of a translate request to the start of its first batch.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _translateDuration = meter.CreateHistogram("seq2seq.translate.duration", "s",
            "Time from arrival of a translate request to its successful response, by API.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _stepDuration = meter.CreateHistogram("seq2seq.step.duration", "s",
            "Wall time of one lane's step of one batch: the newcomers' encoder, then one decoder step, by model.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
    }

    public void RequestAnswered(string route, string api, int statusCode) =>
        _requests.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("api", api),
            new KeyValuePair<string, object?>("status", statusCode));

    /// <summary>A span for one generation batch; dispose it when the batch ends. Null when nothing traces.</summary>
    public Activity? StartBatch(string model, int sequences)
    {
        // A batch serves many requests, so it starts its own trace rather than joining one of them.
        var span = Spans.StartActivity("generate batch", ActivityKind.Internal, parentContext: default);
        span?.SetTag("seq2seq.model", model).SetTag("seq2seq.batch.size", sequences);
        return span;
    }

    public void BatchRan(string model, int rows) => _batchSize.Record(rows, new KeyValuePair<string, object?>("model", model));

    /// <summary>Counted per request rather than per batch, because a batch holds rows of every API.</summary>
    public void Generated(string model, string api, long tokens) =>
        _generatedTokens.Add(tokens, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("api", api));

    public void StepRan(string model, TimeSpan duration) =>
        _stepDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("model", model));

    public void QueueWaited(TimeSpan wait) => _queueWait.Record(wait.TotalSeconds);

    public void Translated(string api, TimeSpan elapsed) =>
        _translateDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("api", api));
}

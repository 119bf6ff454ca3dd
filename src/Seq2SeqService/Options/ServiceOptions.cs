namespace Seq2SeqService.Options;

/// <summary>One model bundle to load at start-up.</summary>
public sealed class ModelBundleOptions
{
    /// <summary>Name clients use in the request's <c>model</c> field; defaults to the folder name.</summary>
    public string? Name { get; set; }

    /// <summary>Bundle folder: absolute, or relative to the content root or to the application folder.</summary>
    public string Path { get; set; } = "";

    /// <summary>
    /// Which graphs to run: <c>fp32</c> (the *.onnx files), <c>quantized</c> (the *_quantized.onnx files) or
    /// <c>auto</c>: the int8 graphs when the bundle's ort_config.json says their activation scales are static (a
    /// row's result then does not depend on its batch), else fp32 (docs/quantization.md#choosing-the-variant).
    /// </summary>
    public string Variant { get; set; } = BundleVariants.Auto;

    /// <summary>
    /// Speculative decoding for a greedy request that runs alone (docs/decoding.md): <c>auto</c> (the default)
    /// uses the bundle's int8 graphs as the draft when it ships them beside the fp32 ones and its decoder takes
    /// decoder_attention_mask; <c>required</c> also, but fails at start when it cannot; <c>none</c> never.
    /// The output is the same either way.
    /// </summary>
    public string Draft { get; set; } = "auto";

    /// <summary>Tokens the draft guesses per decoder call (1-16).</summary>
    public int DraftTokens { get; set; } = 4;

    /// <summary>
    /// How texts are cut before the encoder when a request does not say (<c>split_sentences</c>): <c>1</c> at sentence
    /// ends and line breaks, <c>nonewlines</c> at sentence ends only, <c>0</c> not at all (for models trained on
    /// paragraphs).
    /// </summary>
    public string SplitSentences { get; set; } = "1";

    /// <summary>
    /// Length guard: a sentence's translation may take at most <c>MaxLengthFactor × source tokens +
    /// MaxLengthOffset</c> tokens unless the request sets <c>max_new_tokens</c> (docs/api.md#length-guard).
    /// </summary>
    public double MaxLengthFactor { get; set; } = 2.0;

    /// <summary>See <see cref="MaxLengthFactor"/>.</summary>
    public int MaxLengthOffset { get; set; } = 10;

    /// <summary>
    /// Repeat guard's n-gram size when a request does not set <c>repeat_guard</c> (docs/decoding.md#repeat-guard);
    /// 0 turns it off for this bundle.
    /// </summary>
    public int RepeatGuard { get; set; } = 3;
}

/// <summary>The models section: which bundles to load and which one answers requests that name none.</summary>
public sealed class ModelsOptions
{
    public const string Section = "Service:Models";

    public List<ModelBundleOptions> Bundles { get; set; } = [];

    /// <summary>Name of the bundle used when a request names none; the first bundle when unset.</summary>
    public string? Default { get; set; }

    /// <summary>
    /// ONNX Runtime intra-op threads per session; 0 lets the runtime choose (one per core). 1 by default: two
    /// threads per session were the slowest configuration measured (docs/scheduling.md, Cores); use
    /// Batching:Lanes to spend more cores.
    /// </summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>ONNX Runtime inter-op threads per session; 0 lets the runtime choose.</summary>
    public int InterOpThreads { get; set; }
}

/// <summary>How the scheduler forms batches.</summary>
public sealed class BatchingOptions
{
    public const string Section = "Service:Batching";

    /// <summary>
    /// Most decoder rows (a sentence's beams or samples each count) running at once per model; a request with
    /// nothing running always gets its first row, beyond this (within <see cref="MaxCacheMegabytes"/>).
    /// </summary>
    public int MaxBatchSequences { get; set; } = 64;

    /// <summary>
    /// Most decoder cache, in MiB, that a model's running rows are estimated to hold (each row: its source and as many
    /// generated positions, times the model's cache bytes per position, times its beams or samples). Unlike
    /// <see cref="MaxBatchSequences"/> it also bounds the first rows of requests with nothing running, so under
    /// overload the caches stop growing with the queue; a row that does not fit waits for running rows to end, and
    /// runs alone when nothing else does. Models whose state does not grow with the text are not bounded by it.
    /// </summary>
    public int MaxCacheMegabytes { get; set; } = 32;

    /// <summary>
    /// Decoder steps that run at the same time, over all models, each on its own thread (with
    /// Models:IntraOpThreads threads inside ONNX Runtime) and each going on as soon as its own step ends; a model
    /// starts up to this many batches before newcomers join running ones. Lanes × intra-op threads should not
    /// exceed the cores.
    /// 0 = one lane per CPU the process may use (<see cref="Environment.ProcessorCount"/>, which honours a
    /// container's CPU limit).
    /// </summary>
    public int Lanes { get; set; }

    /// <summary><see cref="Lanes"/>, with 0 resolved to the CPU count.</summary>
    public int EffectiveLanes => Lanes > 0 ? Lanes : Environment.ProcessorCount;

    /// <summary>
    /// A request still running this long after it was accepted is stopped and answered with an error; 0 = no limit.
    /// A request's own <c>options.timeout_ms</c> may only shorten it. The default bounds a runaway request while
    /// leaving a DeepL-size request, 128 KiB at 8 beams, about ten times the time it took (docs/api.md#large-requests).
    /// </summary>
    public double RequestTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// Most tokens one request's rows may generate (each beam or sample row counts one token per step); beyond
    /// it the request is stopped and answered with an error, so one request cannot hold the decoder for long.
    /// </summary>
    public long MaxTokensPerRequest { get; set; } = 2_000_000;

    /// <summary>How long a stopping service keeps running queued work before failing the rest with 503.</summary>
    public double DrainTimeoutSeconds { get; set; } = 5;
}

/// <summary>The bounded request queue in front of the scheduler.</summary>
public sealed class QueueOptions
{
    public const string Section = "Service:Queue";

    /// <summary>A request estimated at more than this share of <see cref="MaxQueuedWork"/> counts as large.</summary>
    public const double LargeJobShare = 1.0 / 16;

    /// <summary>
    /// Large requests together hold at most this share of <see cref="MaxQueuedWork"/>; the rest is kept for short
    /// ones, which are then admitted however many documents are queued.
    /// </summary>
    public const double LargeRequestShare = 0.5;

    /// <summary>Most requests waiting or running at once; more get 503 with Retry-After.</summary>
    public int Capacity { get; set; } = 256;

    /// <summary>
    /// Most estimated work (token steps: per sequence, beams × max_new_tokens plus source tokens) waiting or
    /// running at once; a request that would exceed it gets 503 with Retry-After.
    /// </summary>
    public long MaxQueuedWork { get; set; } = 4_194_304;

    /// <summary>The shortest Retry-After (seconds) sent with a 503; longer when the backlog will take longer.</summary>
    public int RetryAfterSeconds { get; set; } = 1;
}

/// <summary>Limits on one request.</summary>
public sealed class RequestLimitsOptions
{
    public const string Section = "Service:Limits";

    /// <summary>Most entries in <c>texts</c>.</summary>
    public int MaxTexts { get; set; } = 64;

    /// <summary>Most characters in one text.</summary>
    public int MaxTextLength { get; set; } = 131_072;

    /// <summary>Most bytes in a request body (Kestrel answers 413 beyond it).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1_048_576;

    /// <summary>Largest <c>num_beams</c> a request may ask for.</summary>
    public int MaxBeams { get; set; } = 8;

    /// <summary>Largest <c>max_new_tokens</c> a request may ask for.</summary>
    public int MaxNewTokens { get; set; } = 512;

    /// <summary>Most estimated work (token steps, as for <see cref="QueueOptions.MaxQueuedWork"/>) in one request; more gets 413.</summary>
    public long MaxRequestWork { get; set; } = 1_048_576;
}

/// <summary>What the server exposes and how many connections it holds; for operators hardening a deployment.</summary>
public sealed class ServerOptions
{
    public const string Section = "Service:Server";

    /// <summary>Most open connections; Kestrel closes any beyond it at once. Unset: no cap.</summary>
    public long? MaxConcurrentConnections { get; set; }

    /// <summary>Serve Swagger UI and the OpenAPI document at /swagger.</summary>
    public bool Swagger { get; set; } = true;

    /// <summary>Serve the Prometheus scrape at /metrics.</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>
    /// When set, /swagger and /metrics answer only requests with <c>Authorization: Bearer</c> this key. The one
    /// guard on the operator's pages, separate from the clients' API keys (<c>Service:Auth</c>), which never open them.
    /// </summary>
    public string? OperatorKey { get; set; }

    /// <summary>
    /// Origins whose pages may call the translation APIs from a browser (CORS), comma-separated: <c>*</c> (any,
    /// as LibreTranslate allows), a list such as <c>https://a.example,https://b.example</c>, or empty for none.
    /// Operator and health endpoints never answer cross-origin.
    /// </summary>
    public string Cors { get; set; } = "*";

    /// <summary>The origins of <see cref="Cors"/>, one by one.</summary>
    public IReadOnlyList<string> CorsOrigins =>
        Cors.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Console and file logging; levels come from the <c>Serilog:MinimumLevel</c> section.</summary>
public sealed class LoggingOptions
{
    public const string Section = "Service:Logging";

    /// <summary><c>Text</c> (human-readable lines) or <c>Json</c> (one compact JSON object per event).</summary>
    public ConsoleLogFormat ConsoleFormat { get; set; } = ConsoleLogFormat.Text;

    /// <summary>Also write logs to this file (rolled daily) when set.</summary>
    public string? FilePath { get; set; }
}

/// <summary>Console log layouts.</summary>
public enum ConsoleLogFormat
{
    Text,
    Json,
}

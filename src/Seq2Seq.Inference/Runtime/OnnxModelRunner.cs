using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Generation;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// Runs an Optimum export: the encoder once per batch, then the decoder one token per step with a KV
/// cache — either the merged decoder (use_cache_branch false at step 1 with empty past placeholders, true
/// afterwards) or decoder_model.onnx then decoder_with_past_model.onnx. Sessions are shared by all
/// decoder states and may run from several threads at once.
/// </summary>
public sealed class OnnxModelRunner : IModelRunner
{
    private static readonly string[] EncoderInputs = ["input_ids", "attention_mask"];
    private static readonly string[] EncoderOutputs = ["last_hidden_state"];
    private readonly InferenceSession[] _sessions;

    private OnnxModelRunner(ModelConfig config, InferenceSession encoder, DecoderGraph first, DecoderGraph withPast, InferenceSession[] sessions)
    {
        Config = config;
        Encoder = encoder;
        FirstStep = first;
        WithPast = withPast;
        _sessions = sessions;
    }

    public ModelConfig Config { get; }

    public int VocabSize => Config.VocabSize;

    /// <summary>Whether every decoder graph outputs cross_attentions (our exports of the default model do).</summary>
    public bool ProvidesAttention => HasAttention(FirstStep) && HasAttention(WithPast);

    internal InferenceSession Encoder { get; }

    /// <summary>Shared by every Run: it carries no per-call state, and reusing it saves a native object per step.</summary>
    internal RunOptions RunOptions { get; } = new();

    internal DecoderGraph FirstStep { get; }

    internal DecoderGraph WithPast { get; }

    /// <summary>Opens the bundle's sessions and checks each graph against <paramref name="config"/>.</summary>
    /// <exception cref="ModelBundleException">A graph does not match; names the file and tensor.</exception>
    public static OnnxModelRunner Open(BundleFiles files, ModelConfig config, RunnerOptions? options = null)
    {
        options ??= new RunnerOptions();
        var sessions = new List<InferenceSession>();
        try
        {
            var encoder = OpenSession(files.Encoder, options, sessions);
            SignatureCheck.Encoder(encoder, files.Encoder, config);
            if (files.MergedDecoder is { } mergedPath)
            {
                var merged = OpenSession(mergedPath, options, sessions);
                SignatureCheck.Decoder(merged, mergedPath, config, DecoderRole.Merged);
                var graph = new DecoderGraph(merged);
                return new OnnxModelRunner(config, encoder, graph, graph, [.. sessions]);
            }

            var first = OpenSession(files.Decoder!, options, sessions);
            SignatureCheck.Decoder(first, files.Decoder!, config, DecoderRole.NoPast);
            var withPast = OpenSession(files.DecoderWithPast!, options, sessions);
            SignatureCheck.Decoder(withPast, files.DecoderWithPast!, config, DecoderRole.WithPast);
            return new OnnxModelRunner(config, encoder, new DecoderGraph(first), new DecoderGraph(withPast), [.. sessions]);
        }
        catch
        {
            sessions.ForEach(s => s.Dispose());
            throw;
        }
    }

    public IDecoderState Encode(IReadOnlyList<ReadOnlyMemory<int>> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            throw new ArgumentException("At least one source is needed.", nameof(sources));
        }

        var timings = default(RunnerTimings);
        var started = Stopwatch.GetTimestamp();
        var length = sources.Max(s => s.Length);
        if (length > Config.MaxPositionEmbeddings)
        {
            throw new SourceTooLongException(length, Config.MaxPositionEmbeddings);
        }

        long[] shape = [sources.Count, length];
        using var ids = PooledTensor<long>.Rent(shape, (span, width) => Pad(span, sources, width, Config.PadTokenId, mask: false), length);
        var mask = PooledTensor<long>.Rent(shape, (span, width) => Pad(span, sources, width, 0, mask: true), length);
        try
        {
            var run = Stopwatch.GetTimestamp();
            timings.PrepareTicks += run - started;
            var outputs = Encoder.Run(RunOptions, EncoderInputs, [ids.Value, mask.Value], EncoderOutputs);
            timings.RunTicks += Stopwatch.GetTimestamp() - run;
            var hidden = PooledTensor<float>.Wrap(outputs.First());
            return new OnnxDecoderState(this, sources.Count, length, hidden, mask, timings);
        }
        catch
        {
            mask.Dispose();
            throw;
        }
    }

    /// <summary>Writes the padded ids, or with <paramref name="mask"/> the attention mask (1 on real tokens).</summary>
    internal static void Pad(Span<long> target, IReadOnlyList<ReadOnlyMemory<int>> sources, int width, long padding, bool mask)
    {
        target.Fill(padding);
        for (var r = 0; r < sources.Count; r++)
        {
            var source = sources[r].Span;
            var row = target.Slice(r * width, source.Length);
            for (var i = 0; i < source.Length; i++)
            {
                row[i] = mask ? 1 : source[i];
            }
        }
    }

    internal static InferenceSession OpenSession(string path, RunnerOptions options, List<InferenceSession> opened)
    {
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        try
        {
            var session = new InferenceSession(path, sessionOptions);
            opened.Add(session);
            return session;
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelBundleException(path, null, $"cannot be loaded by ONNX Runtime: {e.Message}", e);
        }
    }

    private static bool HasAttention(DecoderGraph graph) => graph.Outputs.Any(o => o.Kind == DecoderTensorKind.CrossAttentions);

    public void Dispose()
    {
        foreach (var session in _sessions)
        {
            session.Dispose();
        }

        RunOptions.Dispose();
    }
}

/// <summary>ONNX Runtime settings for a model's sessions; 0 keeps ONNX Runtime's default.</summary>
public sealed record RunnerOptions
{
    public int IntraOpThreads { get; init; }

    public int InterOpThreads { get; init; }
}

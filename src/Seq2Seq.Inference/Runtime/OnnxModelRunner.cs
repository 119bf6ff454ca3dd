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

    /// <summary>True when every decoder graph takes decoder_attention_mask (detected at load).</summary>
    public bool SupportsJoins => FirstStep.AcceptsDecoderMask && WithPast.AcceptsDecoderMask;

    internal InferenceSession Encoder { get; }

    /// <summary>Shared by every Run: it carries no per-call state, and reusing it saves a native object per step.</summary>
    internal RunOptions RunOptions { get; } = new();

    internal DecoderGraph FirstStep { get; }

    /// <summary>Whether the sessions profile (<see cref="RunnerOptions.ProfilePrefix"/>): their profiles are written at disposal.</summary>
    private bool Profiling { get; init; }

    internal DecoderGraph WithPast { get; }

    /// <summary>Opens the bundle's sessions and checks each graph against <paramref name="config"/>.</summary>
    /// <exception cref="ModelBundleException">A graph does not match; names the file and tensor.</exception>
    public static OnnxModelRunner Open(BundleFiles files, ModelConfig config, RunnerOptions? options = null)
    {
        options ??= new RunnerOptions();
        string[] paths = files.MergedDecoder is { } mergedPath
            ? [files.Encoder, mergedPath]
            : [files.Encoder, files.Decoder!, files.DecoderWithPast!];
        var sessions = OnnxSessions.OpenAll(paths, options);
        try
        {
            SignatureCheck.Encoder(sessions[0], paths[0], config);
            DecoderGraph first, withPast;
            if (sessions.Length == 2)
            {
                SignatureCheck.Decoder(sessions[1], paths[1], config, DecoderRole.Merged);
                first = withPast = new DecoderGraph(sessions[1]);
            }
            else
            {
                SignatureCheck.Decoder(sessions[1], paths[1], config, DecoderRole.NoPast);
                SignatureCheck.Decoder(sessions[2], paths[2], config, DecoderRole.WithPast);
                (first, withPast) = (new DecoderGraph(sessions[1]), new DecoderGraph(sessions[2]));
            }

            return new OnnxModelRunner(config, sessions[0], first, withPast, sessions) { Profiling = options.ProfilePrefix is not null };
        }
        catch
        {
            Array.ForEach(sessions, s => s.Dispose());
            throw;
        }
    }

    public IDecoderState Encode(IReadOnlyList<ReadOnlyMemory<int>> sources)
    {
        var timings = default(RunnerTimings);
        var (outputs, mask) = SourceEncoder.Run(Encoder, RunOptions, EncoderOutputs, sources, Config, ref timings);
        try
        {
            var hidden = PooledTensor<float>.Wrap(outputs.First());
            return new OnnxDecoderState(this, [.. sources.Select(s => s.Length)], hidden, mask, timings);
        }
        catch
        {
            mask.Dispose();
            throw;
        }
    }

    private static bool HasAttention(DecoderGraph graph) => graph.Outputs.Any(o => o.Kind == DecoderTensorKind.CrossAttentions);

    public void Dispose()
    {
        foreach (var session in _sessions)
        {
            if (Profiling)
            {
                session.EndProfiling();
            }

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

    /// <summary>
    /// When set, every session writes ONNX Runtime's per-operator profile (Chrome trace JSON) and its optimized graph
    /// under this path prefix, named after the graph file (docs/performance.md#where-onnx-runtime-spends-the-time);
    /// for benchmarks, never for serving.
    /// </summary>
    public string? ProfilePrefix { get; init; }
}

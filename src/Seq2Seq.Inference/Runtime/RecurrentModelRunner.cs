using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Generation;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// Runs a recurrent bundle (docs/recurrent-model.md): the encoder once per batch, then the one-step decoder,
/// which takes the previous token, its recurrent state and the encoder's per-position tensors and returns
/// logits, the next state and its attention over the source. Encoder outputs named initial_state.N feed
/// the decoder's state.N (present_state.N feed it back); every other encoder output is fed, unchanged, to
/// the decoder input of the same name.
/// Sessions are shared by all decoder states and may run from several threads at once.
/// </summary>
public sealed class RecurrentModelRunner : IModelRunner
{
    private static readonly string[] EncoderInputs = ["input_ids", "attention_mask"];

    private RecurrentModelRunner(ModelConfig config, InferenceSession encoder, InferenceSession decoder, RecurrentSignature signature)
    {
        Config = config;
        Encoder = encoder;
        Decoder = decoder;
        Signature = signature;
    }

    public ModelConfig Config { get; }

    public int VocabSize => Config.VocabSize;

    public bool ProvidesAttention => Signature.AttentionOutput >= 0;

    internal InferenceSession Encoder { get; }

    internal InferenceSession Decoder { get; }

    internal RecurrentSignature Signature { get; }

    /// <summary>Shared by every Run: it carries no per-call state.</summary>
    internal RunOptions RunOptions { get; } = new();

    /// <summary>Opens the two sessions and checks that their inputs and outputs follow the state contract.</summary>
    /// <exception cref="ModelBundleException">A graph does not match; names the file and tensor.</exception>
    public static RecurrentModelRunner Open(BundleFiles files, ModelConfig config, RunnerOptions? options = null)
    {
        options ??= new RunnerOptions();
        var sessions = new List<InferenceSession>();
        try
        {
            var encoder = OnnxModelRunner.OpenSession(files.Encoder, options, sessions);
            var decoder = OnnxModelRunner.OpenSession(files.Decoder!, options, sessions);
            var signature = RecurrentSignature.Check(encoder, files.Encoder, decoder, files.Decoder!, config);
            return new RecurrentModelRunner(config, encoder, decoder, signature);
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
        using var ids = PooledTensor<long>.Rent(shape, (span, width) => OnnxModelRunner.Pad(span, sources, width, Config.PadTokenId, mask: false), length);
        var mask = PooledTensor<long>.Rent(shape, (span, width) => OnnxModelRunner.Pad(span, sources, width, 0, mask: true), length);
        var memory = new PooledTensor<float>?[Signature.Memory.Length];
        var states = new PooledTensor<float>?[Signature.States.Length];
        try
        {
            var run = Stopwatch.GetTimestamp();
            timings.PrepareTicks += run - started;
            var outputs = Encoder.Run(RunOptions, EncoderInputs, [ids.Value, mask.Value], Signature.EncoderOutputs);
            timings.RunTicks += Stopwatch.GetTimestamp() - run;
            var o = 0;
            foreach (var value in outputs)
            {
                var (isState, index) = Signature.EncoderOutputSlots[o++];
                (isState ? states : memory)[index] = PooledTensor<float>.Wrap(value);
            }

            return new RecurrentDecoderState(this, sources.Count, length, mask, memory!, states!, timings);
        }
        catch
        {
            mask.Dispose();
            foreach (var tensor in memory.Concat(states))
            {
                tensor?.Dispose();
            }

            throw;
        }
    }

    public void Dispose()
    {
        Encoder.Dispose();
        Decoder.Dispose();
        RunOptions.Dispose();
    }
}

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

    /// <summary>
    /// True: a recurrent state has no time axis, so joining rows are just more rows; only the per-position
    /// encoder tensors are padded to the longest source, and encoder_attention_mask hides that padding.
    /// </summary>
    public bool SupportsJoins => true;

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
        var sessions = OnnxSessions.OpenAll([files.Encoder, files.Decoder!], options);
        try
        {
            var signature = RecurrentSignature.Check(sessions[0], files.Encoder, sessions[1], files.Decoder!, config);
            return new RecurrentModelRunner(config, sessions[0], sessions[1], signature);
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
        var (outputs, mask) = SourceEncoder.Run(Encoder, RunOptions, Signature.EncoderOutputs, sources, Config, ref timings);
        var memory = new PooledTensor<float>?[Signature.Memory.Length];
        var states = new PooledTensor<float>?[Signature.States.Length];
        try
        {
            var o = 0;
            foreach (var value in outputs)
            {
                var (isState, index) = Signature.EncoderOutputSlots[o++];
                (isState ? states : memory)[index] = PooledTensor<float>.Wrap(value);
            }

            return new RecurrentDecoderState(this, [.. sources.Select(s => s.Length)], mask, memory!, states!, timings);
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

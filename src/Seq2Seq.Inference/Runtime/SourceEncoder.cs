using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Seq2Seq.Inference.Bundles;
using Seq2Seq.Inference.Generation;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// Runs an encoder graph over a batch of sources, fed as every encoder of the engine takes them: input_ids
/// right-padded with the pad token to the longest source, and attention_mask, 1 on real tokens and 0 on padding.
/// </summary>
internal static class SourceEncoder
{
    private static readonly string[] InputNames = ["input_ids", "attention_mask"];

    /// <summary>
    /// Returns the encoder's outputs, which the caller owns, and the attention mask, which the caller owns too:
    /// decoders read it at every step.
    /// </summary>
    /// <exception cref="ArgumentException">No sources.</exception>
    /// <exception cref="SourceTooLongException">A source is longer than the model's positions.</exception>
    public static (IDisposableReadOnlyCollection<OrtValue> Outputs, PooledTensor<long> Mask) Run(InferenceSession encoder,
        RunOptions runOptions, string[] outputNames, IReadOnlyList<ReadOnlyMemory<int>> sources, ModelConfig config, ref RunnerTimings timings)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            throw new ArgumentException("At least one source is needed.", nameof(sources));
        }

        var started = Stopwatch.GetTimestamp();
        var length = sources.Max(s => s.Length);
        if (length > config.MaxPositionEmbeddings)
        {
            throw new SourceTooLongException(length, config.MaxPositionEmbeddings);
        }

        long[] shape = [sources.Count, length];
        using var ids = PooledTensor<long>.Rent(shape, (span, width) => Pad(span, sources, width, config.PadTokenId, mask: false), length);
        var mask = PooledTensor<long>.Rent(shape, (span, width) => Pad(span, sources, width, 0, mask: true), length);
        try
        {
            var run = Stopwatch.GetTimestamp();
            timings.PrepareTicks += run - started;
            var outputs = encoder.Run(runOptions, InputNames, [ids.Value, mask.Value], outputNames);
            timings.RunTicks += Stopwatch.GetTimestamp() - run;
            return (outputs, mask);
        }
        catch
        {
            mask.Dispose();
            throw;
        }
    }

    /// <summary>Writes the padded ids, or with <paramref name="mask"/> the attention mask.</summary>
    private static void Pad(Span<long> target, IReadOnlyList<ReadOnlyMemory<int>> sources, int width, long padding, bool mask)
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
}

using Seq2Seq.Inference.Runtime;

namespace Seq2Seq.Inference.Tests.Models;

/// <summary>
/// How close a decision was: teacher-forces the common prefix of two outputs through the model and
/// returns the processed log-probability gap between their tokens at the first place they differ.
/// Rounding differences (ONNX Runtime vs PyTorch, one batch shape vs another) can flip only decisions
/// whose gap is of the order of float rounding.
/// </summary>
internal static class NearTie
{
    public const double Tolerance = 1e-4;

    /// <summary>
    /// A float rounding difference that moves an activation across an int8 quantization step changes that
    /// activation by a whole step, so int8 scores agree less closely (and only such close decisions may flip).
    /// </summary>
    public const double QuantizedTolerance = 1e-2;

    public static double Margin(IModelRunner runner, GenerationSettings settings, int[] source, int[] a, int[] b)
    {
        var step = 0;
        while (step < a.Length && step < b.Length && a[step] == b[step])
        {
            step++;
        }

        if (step == a.Length || step == b.Length)
        {
            throw new ArgumentException("One output is a prefix of the other: not a single decision apart.");
        }

        using var state = runner.Encode([source]);
        var processor = new LogitsProcessor(settings);
        var history = new List<int> { settings.DecoderStartTokenId };
        for (var t = 0; ; t++)
        {
            var logits = state.Step([history[^1]]);
            if (t == step)
            {
                processor.Apply(logits, history.ToArray());
                LogSoftmax.InPlace(logits);
                return Math.Abs(logits[a[step]] - logits[b[step]]);
            }

            history.Add(a[t]);
        }
    }
}

namespace Seq2SeqService.Application;

/// <summary>
/// How confident the model was in a translation, from the log-probability of its generated tokens (end-of-sequence
/// included, after the logits processors): their mean, and the sequence score the search itself ranks by.
/// </summary>
public static class SequenceScores
{
    public static double Mean(double logProbability, int tokens) => tokens == 0 ? 0 : logProbability / tokens;

    /// <summary>Beam search's score (the log-probability over length^length_penalty), else the log-probability itself.</summary>
    public static double Score(double logProbability, int tokens, GenerationSettings settings) =>
        settings.NumBeams > 1 && tokens > 0 ? logProbability / Math.Pow(tokens, settings.LengthPenalty) : logProbability;
}

namespace Seq2Seq.Inference.Generation;

/// <summary>
/// One decoder call over a lone row's next token and the draft's guesses after it. The search takes the logits
/// position by position, as if from single steps, while its choice equals the guess that was fed after that
/// position; the first choice that differs (or the one after the last guess) is the next token, and both caches
/// forget the positions after the kept ones.
/// </summary>
internal static class SpeculativeStep
{
    /// <summary>
    /// Runs the step for <paramref name="entry"/>, whose next token is <paramref name="next"/>; with
    /// <paramref name="guessAhead"/> the draft goes on guessing on a second thread while the model checks. Returns
    /// the token the row feeds next, or <see langword="null"/> when the request is done.
    /// </summary>
    public static int? Run(ISpeculativeState state, DraftGuesses guesses, CohortEntry entry, int next, NextRows scratch,
        int vocabSize, bool guessAhead)
    {
        var fed = guesses.Guess(next, entry.Request.Settings.MaxNewTokens - entry.Search.Generated - 1);
        if (guessAhead)
        {
            guesses.GuessAhead();
        }

        var logits = state.Step(fed, fed.Length);
        entry.Stepped(System.Diagnostics.Stopwatch.GetTimestamp());
        var kept = 0;
        while (true)
        {
            scratch.Clear();
            scratch.SourceOffset = 0;
            entry.Search.Advance(logits.Slice(kept * vocabSize, vocabSize), scratch);
            if (entry.Search.IsDone)
            {
                state.Reorder([]);
                return null;
            }

            var token = scratch.Tokens[0];
            entry.Appended(token);
            if (kept + 1 < fed.Length && token == fed[kept + 1])
            {
                kept++;
                continue;
            }

            state.Truncate(fed.Length - 1 - kept);
            guesses.Accept(kept, token);
            return token;
        }
    }
}

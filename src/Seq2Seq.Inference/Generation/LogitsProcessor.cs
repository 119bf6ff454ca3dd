namespace Seq2Seq.Inference.Generation;

/// <summary>
/// The per-row logits processors of docs/decoding.md ("Logits processors"), applied in its order: repetition penalty,
/// no-repeat n-grams, the repeat guard, bad words, min length, the forced first token, the forced last token. One
/// instance per request (it owns scratch space).
/// </summary>
internal sealed class LogitsProcessor
{
    private readonly GenerationSettings _settings;
    private readonly int[] _distinct;
    private readonly int[] _folded;

    public LogitsProcessor(GenerationSettings settings)
    {
        _settings = settings;
        _distinct = settings.RepetitionPenalty != 1f ? new int[settings.MaxNewTokens + 1] : [];
        _folded = settings.RepeatGuardActive ? new int[settings.MaxNewTokens + 1] : [];
    }

    /// <summary>Processes one row's logits; <paramref name="ids"/> is the row so far, decoder start included.</summary>
    public void Apply(Span<float> logits, ReadOnlySpan<int> ids)
    {
        if (_settings.RepetitionPenalty != 1f)
        {
            ApplyRepetitionPenalty(logits, ids, _settings.RepetitionPenalty, _distinct);
        }

        if (_settings.NoRepeatNgramSize > 0)
        {
            BanRepeatedNgrams(logits, ids, _settings.NoRepeatNgramSize);
        }

        if (_settings.RepeatGuardActive)
        {
            BanFoldedRepeats(logits, ids, _settings.RepeatGuardSize, _settings.Folding!, _folded);
        }

        foreach (var id in _settings.BadWordIds)
        {
            logits[id] = float.NegativeInfinity;
        }

        // The start token counts towards min_length, as in Hugging Face: ids.Length = generated + 1.
        if (ids.Length < _settings.MinLength)
        {
            logits[_settings.EosTokenId] = float.NegativeInfinity;
        }

        if (ids.Length == 1 && _settings.ForcedBosTokenId is { } forced)
        {
            ForceToken(logits, forced);
        }

        // The next token is the last max_new_tokens allows (Hugging Face: cur_len == max_length - 1, the start counted).
        if (ids.Length == _settings.MaxNewTokens && _settings.ForcedEosTokenId is { } last)
        {
            ForceToken(logits, last);
        }
    }

    /// <summary>Leaves <paramref name="token"/> the only finite logit, so log-softmax gives it probability 1.</summary>
    internal static void ForceToken(Span<float> logits, int token)
    {
        var kept = float.IsFinite(logits[token]) ? logits[token] : 0f;
        logits.Fill(float.NegativeInfinity);
        logits[token] = kept;
    }

    /// <summary>Penalises each distinct token of <paramref name="ids"/> once.</summary>
    internal static void ApplyRepetitionPenalty(Span<float> logits, ReadOnlySpan<int> ids, float penalty, Span<int> scratch)
    {
        var sorted = scratch[..ids.Length];
        ids.CopyTo(sorted);
        sorted.Sort();
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i > 0 && sorted[i] == sorted[i - 1])
            {
                continue;
            }

            ref var logit = ref logits[sorted[i]];
            logit = logit < 0 ? logit * penalty : logit / penalty;
        }
    }

    /// <summary>Forbids every token that would complete an n-gram already present in <paramref name="ids"/>.</summary>
    internal static void BanRepeatedNgrams(Span<float> logits, ReadOnlySpan<int> ids, int n)
    {
        for (var start = NextRepeat(ids, n, 0); start >= 0; start = NextRepeat(ids, n, start + 1))
        {
            logits[ids[start + n - 1]] = float.NegativeInfinity;
        }
    }

    /// <summary>
    /// The repeat guard: as <see cref="BanRepeatedNgrams"/> on the ids' folding groups, forbidding every member of a
    /// group that would complete a repeat, so a loop cannot come back with other case, accents or apostrophes.
    /// </summary>
    internal static void BanFoldedRepeats(Span<float> logits, ReadOnlySpan<int> ids, int n, TokenFolding folding, Span<int> scratch)
    {
        var folded = scratch[..ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            folded[i] = folding.GroupOf(ids[i]);
        }

        for (var start = NextRepeat(folded, n, 0); start >= 0; start = NextRepeat(folded, n, start + 1))
        {
            foreach (var member in folding.Members(folded[start + n - 1]))
            {
                logits[member] = float.NegativeInfinity;
            }
        }
    }

    /// <summary>
    /// The first position at or after <paramref name="from"/> where the sequence's last n − 1 items occur followed by
    /// one more (the item a repeat would bring back); -1 when there is none or the sequence is too short.
    /// </summary>
    private static int NextRepeat(ReadOnlySpan<int> sequence, int n, int from)
    {
        if (sequence.Length + 1 < n)
        {
            return -1;
        }

        var suffix = sequence[(sequence.Length - n + 1)..];
        for (var start = from; start + n <= sequence.Length; start++)
        {
            if (sequence.Slice(start, n - 1).SequenceEqual(suffix))
            {
                return start;
            }
        }

        return -1;
    }
}

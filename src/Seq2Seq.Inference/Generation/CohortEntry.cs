using System.Diagnostics;
using System.Security.Cryptography;

namespace Seq2Seq.Inference.Generation;

/// <summary>One request of a cohort: its search, its rows in the batch while it runs, and its result once it ends.</summary>
internal sealed class CohortEntry(GenerationRequest request, SequenceSearch search)
{
    /// <summary>Checks request <paramref name="index"/> against the runner and sets up its search.</summary>
    public static CohortEntry For(GenerationRequest request, int index, IModelRunner runner)
    {
        request.Settings.Validate();
        if (request.Settings.VocabSize != runner.VocabSize)
        {
            throw new ArgumentException(
                $"Request {index} has settings for a vocabulary of {request.Settings.VocabSize}, the model has {runner.VocabSize}.",
                "requests");
        }

        if (request.ReturnAttention && !runner.ProvidesAttention)
        {
            throw new ArgumentException($"Request {index} asks for attention, which this model does not output.", "requests");
        }

        var seed = request.Settings.Seed is { } s ? (ulong)s
            : request.Settings.DoSample ? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8))
            : 0;
        var entry = new CohortEntry(request, SequenceSearch.Create(request.Settings, runner.VocabSize, seed));
        if (request.ReturnAttention)
        {
            entry.Search.TrackAttention(request.SourceIds.Length);
        }

        return entry;
    }

    public GenerationRequest Request { get; } = request;

    public SequenceSearch Search { get; } = search;

    /// <summary>Rows in the batch; 0 before encoding and once completed.</summary>
    public int Rows { get; set; }

    public int Steps { get; private set; }

    public TimeSpan EncodeTime { get; set; }

    /// <summary>Timestamp of the request's first decoder step; 0 before it.</summary>
    private long _decodeStart;

    public GenerationResult? Result { get; private set; }

    /// <summary>Counts a decoder call this request took part in, made at <paramref name="now"/>.</summary>
    public void Stepped(long now)
    {
        if (Steps++ == 0)
        {
            _decodeStart = now;
        }
    }

    /// <summary>Reports a token of the request's only hypothesis to its sink.</summary>
    public void Appended(int token)
    {
        if (Search.SingleHypothesis)
        {
            Request.Sink?.TokenAppended(token);
        }
    }

    public void Complete(bool cancelled)
    {
        var decode = _decodeStart == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_decodeStart);
        Result = new GenerationResult(cancelled ? [] : Search.Sequences(), Request.SourceIds.Length, cancelled, EncodeTime,
            decode, Steps);
        Rows = 0;
        Request.Sink?.Finished(Result);
    }
}

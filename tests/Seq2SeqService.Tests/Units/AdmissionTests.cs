using System.Diagnostics;
using Seq2SeqService.Options;
using Seq2SeqService.Queue;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;
using Seq2SeqService.Tests.Infrastructure;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Seq2SeqService.Tests.Units;

/// <summary>Admission by estimated work, and the Retry-After that the backlog implies.</summary>
public sealed class AdmissionTests
{
    private readonly ScriptedModel _model = new();

    private TranslationJob Job(int sentences, int beams = 1, int maxNewTokens = 32, CancellationToken cancellation = default)
    {
        var segments = Enumerable.Range(0, sentences)
            .Select(i => new Segment($"sentence {i}", _model.Tokenize($"sentence {i}").Ids)).ToList();
        var settings = _model.Defaults with { NumBeams = beams, MaxNewTokens = maxNewTokens };
        return new TranslationJob(_model, settings, segments, cancellation, WorkEstimate.Of(segments, settings));
    }

    [Fact]
    public void Work_is_beams_times_max_new_tokens_plus_source_tokens_per_sentence()
    {
        // "sentence i" is two words plus end-of-sequence: 3 source tokens.
        Job(1).Work.Should().Be(3 + 32);
        Job(4, beams: 8, maxNewTokens: 100).Work.Should().Be(4 * (3 + 8 * 100));
        WorkEstimate.Of([new Segment("a b", _model.Tokenize("a b").Ids)],
            _model.Defaults with { NumReturnSequences = 3, DoSample = true, MaxNewTokens = 10 }).Should().Be(3 + 3 * 10);
    }

    [Fact]
    public void The_queue_admits_by_work_not_by_request_count()
    {
        var queue = new RequestQueue(MsOptions.Create(new QueueOptions { Capacity = 100, MaxQueuedWork = 2000 }));

        queue.TryEnqueue(Job(1)).Should().Be(EnqueueResult.Accepted);
        var heavy = Job(2, beams: 8, maxNewTokens: 100);
        queue.TryEnqueue(heavy).Should().Be(EnqueueResult.Accepted);
        queue.TryEnqueue(Job(1, beams: 8, maxNewTokens: 100)).Should().Be(EnqueueResult.Full, "1641 + 803 > 2000");
        queue.TryEnqueue(Job(1)).Should().Be(EnqueueResult.Accepted, "a light request still fits");
        queue.AdmittedWork.Should().Be(35 + 1606 + 35);
        queue.Admitted.Should().Be(3);
    }

    [Fact]
    public void Large_requests_together_keep_to_their_share_so_short_ones_are_still_admitted()
    {
        // Large: over 16,000 / 16 = 1,000 token steps; together at most half of 16,000.
        var queue = new RequestQueue(MsOptions.Create(new QueueOptions { Capacity = 100, MaxQueuedWork = 16_000 }));
        var document = () => Job(2, beams: 8, maxNewTokens: 200);

        queue.TryEnqueue(document()).Should().Be(EnqueueResult.Accepted);
        var second = document();
        queue.TryEnqueue(second).Should().Be(EnqueueResult.Accepted);
        queue.TryEnqueue(document()).Should().Be(EnqueueResult.Full, "3 × 3,206 > 8,000 for large requests");
        Enumerable.Range(0, 90).Select(_ => queue.TryEnqueue(Job(1))).ToList().Should().AllBeEquivalentTo(EnqueueResult.Accepted,
            "the other half of the budget admits short requests");

        second.Fail(JobFailure.GenerationFailed);
        queue.TryEnqueue(document()).Should().Be(EnqueueResult.Accepted, "a finished large request frees its share");
    }

    [Fact]
    public void Finished_or_cancelled_work_frees_its_share_at_once()
    {
        var queue = new RequestQueue(MsOptions.Create(new QueueOptions { Capacity = 100, MaxQueuedWork = 1000 }));
        using var leave = new CancellationTokenSource();
        var abandoned = Job(1, beams: 8, maxNewTokens: 100, cancellation: leave.Token);
        queue.TryEnqueue(abandoned).Should().Be(EnqueueResult.Accepted);
        queue.TryEnqueue(Job(1, beams: 8, maxNewTokens: 100)).Should().Be(EnqueueResult.Full);

        leave.Cancel();

        queue.AdmittedWork.Should().Be(0);
        queue.TryEnqueue(Job(1, beams: 8, maxNewTokens: 100)).Should().Be(EnqueueResult.Accepted);
    }

    [Fact]
    public void A_job_bigger_than_the_whole_budget_runs_when_it_has_the_queue_to_itself()
    {
        var queue = new RequestQueue(MsOptions.Create(new QueueOptions { Capacity = 100, MaxQueuedWork = 100 }));

        queue.TryEnqueue(Job(2, beams: 4, maxNewTokens: 50)).Should().Be(EnqueueResult.Accepted);
        queue.TryEnqueue(Job(1)).Should().Be(EnqueueResult.Full);
    }

    [Fact]
    public void Retry_after_is_the_backlog_at_the_recent_drain_rate_within_bounds()
    {
        var rate = new DrainRate(TimeSpan.FromSeconds(10));
        var start = Stopwatch.GetTimestamp();
        var second = Stopwatch.Frequency;
        var (min, max) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(120));

        rate.TimeFor(50_000, min, max, start).Should().Be(min, "nothing finished yet: the configured minimum");

        rate.Finished(20_000, start);
        rate.Finished(30_000, start + 5 * second);
        rate.PerSecond(start + 5 * second).Should().Be(5_000);
        rate.TimeFor(50_000, min, max, start + 5 * second).Should().Be(TimeSpan.FromSeconds(10));
        rate.TimeFor(100, min, max, start + 5 * second).Should().Be(min);
        rate.TimeFor(10_000_000, min, max, start + 5 * second).Should().Be(max);
        rate.PerSecond(start + 12 * second).Should().Be(3_000, "the first finish left the 10 s window");
        rate.PerSecond(start + 30 * second).Should().Be(0);
    }

    [Fact]
    public void A_refused_job_waits_for_the_room_it_needs_not_for_the_whole_backlog()
    {
        // Budget 16,000, large jobs over 1,000 hold at most 8,000 together; capacity 4.
        var queue = new RequestQueue(MsOptions.Create(new QueueOptions { Capacity = 4, MaxQueuedWork = 16_000 }));

        queue.WorkBefore(work: 100, admittedWork: 15_950, admitted: 3, largeWork: 0).Should().Be(50, "only its own overflow");
        queue.WorkBefore(work: 100, admittedWork: 12_000, admitted: 4, largeWork: 0).Should().Be(3_000, "one average job frees a place");
        queue.WorkBefore(work: 3_000, admittedWork: 9_000, admitted: 2, largeWork: 7_000).Should().Be(2_000, "the large jobs' share");
        queue.WorkBefore(work: 20_000, admittedWork: 5_000, admitted: 1, largeWork: 0).Should().Be(5_000, "over the budget it runs alone");
        queue.WorkBefore(work: 100, admittedWork: 0, admitted: 0, largeWork: 0).Should().Be(0);
    }
}

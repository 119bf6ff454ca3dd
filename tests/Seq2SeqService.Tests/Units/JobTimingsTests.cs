using System.Diagnostics;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Units;

/// <summary>A response's timings add up (docs/api.md#timings): queue + encode + decode = acceptance to the last row.</summary>
public sealed class JobTimingsTests
{
    private static readonly ScriptedModel Model = new();

    [Fact]
    public void A_job_run_in_two_slices_reports_times_that_add_up_to_its_time_in_the_service()
    {
        var job = new TranslationJob(Model, Model.Defaults,
            [new Segment("a", Model.Tokenize("a").Ids), new Segment("b", Model.Tokenize("b").Ids)], CancellationToken.None, work: 0);
        var rows = new JobRows(job);

        rows.RunningRows += rows.RowCost;
        rows.RunningRows -= rows.RowCost;
        rows.RowFinished(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(1));
        rows.RunningRows += rows.RowCost;
        rows.RunningRows -= rows.RowCost;
        var beforeLast = Stopwatch.GetElapsedTime(job.AcceptedAt);
        rows.RowFinished(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(3));
        var afterLast = Stopwatch.GetElapsedTime(job.AcceptedAt);

        var sum = job.QueueTime + job.EncodeTime + job.DecodeTime;
        sum.Should().BeGreaterThanOrEqualTo(beforeLast).And.BeLessThanOrEqualTo(afterLast,
            "the rows' own encoder and decoder times (2 ms and 3 ms at most) only divide the running time");
        var running = job.EncodeTime + job.DecodeTime;
        job.EncodeTime.Ticks.Should().BeCloseTo((long)(running.Ticks * 0.4), 1, "the longest encode : decode was 2 : 3");
        job.QueueTime.Should().BeGreaterThanOrEqualTo(TimeSpan.Zero);
    }
}

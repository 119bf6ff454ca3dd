using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Units;

public sealed class RowAdmissionTests
{
    // One byte per position, so a segment's estimate is twice its source tokens per row (source and as many generated).
    private static readonly ScriptedModel Model = new() { CacheBytesPerPosition = 1 };

    private static JobRows Job(int segments, int beams = 1, int running = 0, string text = "s")
    {
        var settings = Model.Defaults with { NumBeams = beams };
        var job = new TranslationJob(Model, settings,
            [.. Enumerable.Range(0, segments).Select(i => new Segment($"{text}{i}", Model.Tokenize($"{text}{i}").Ids))], CancellationToken.None,
            work: 0);
        return new JobRows(job) { RunningRows = running };
    }

    [Fact]
    public void Rows_go_to_whoever_runs_fewest_so_a_big_request_gets_a_slice()
    {
        var big = Job(100);
        var small = Job(3);

        var picked = RowAdmission.Select([big, small], freeRows: 8, long.MaxValue, running: false);

        picked.Count(p => p.Job == small).Should().Be(3);
        picked.Count(p => p.Job == big).Should().Be(5);
        picked.Where(p => p.Job == big).Select(p => p.Segment).Should().Equal(0, 1, 2, 3, 4);
    }

    [Fact]
    public void A_request_with_nothing_running_gets_its_first_row_even_when_the_batch_is_full()
    {
        var big = Job(100, running: 8);
        var newcomer = Job(2);
        var beams = Job(1, beams: 8);

        var picked = RowAdmission.Select([big, newcomer, beams], freeRows: 0, long.MaxValue, running: true);

        picked.Select(p => p.Job).Should().Equal(newcomer, beams);
    }

    [Fact]
    public void Beams_count_as_rows()
    {
        var beams = Job(10, beams: 4);

        RowAdmission.Select([beams], freeRows: 9, long.MaxValue, running: false).Should().HaveCount(2);
    }

    [Fact]
    public void A_request_with_nothing_running_waits_for_rows_to_end_once_the_cache_budget_is_spent()
    {
        var running = Job(10, running: 1);
        var newcomer = Job(2);

        RowAdmission.Select([running, newcomer], freeRows: 0, freeCacheBytes: 1, running: true).Should().BeEmpty();
    }

    [Fact]
    public void The_cache_estimate_counts_source_positions_twice_and_every_beam()
    {
        // "w x y z0" is 4 words and the end token: 2 × 5 positions × 2 beams = 20 bytes a segment.
        var beams = Job(10, beams: 2, text: "w x y z");

        RowAdmission.Select([beams], freeRows: 100, freeCacheBytes: 59, running: false).Should().HaveCount(2);
        RowAdmission.Select([Job(10, beams: 2, text: "w x y z")], freeRows: 100, freeCacheBytes: 60, running: false).Should().HaveCount(3);
    }

    [Fact]
    public void A_row_larger_than_the_whole_budget_runs_alone_when_nothing_else_runs()
    {
        var huge = Job(3, beams: 4, text: "w x y z");

        RowAdmission.Select([huge], freeRows: 100, freeCacheBytes: 1, running: false).Should().ContainSingle();
        RowAdmission.Select([Job(3, beams: 4, text: "w x y z")], freeRows: 100, freeCacheBytes: 1, running: true).Should().BeEmpty();
    }
}

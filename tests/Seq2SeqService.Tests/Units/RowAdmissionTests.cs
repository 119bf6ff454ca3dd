using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Units;

public sealed class RowAdmissionTests
{
    private static readonly ScriptedModel Model = new();

    private static JobRows Job(int segments, int beams = 1, int running = 0)
    {
        var settings = Model.Defaults with { NumBeams = beams };
        var job = new TranslationJob(Model, settings,
            [.. Enumerable.Range(0, segments).Select(i => new Segment($"s{i}", Model.Tokenize($"s{i}").Ids))], CancellationToken.None,
            work: 0);
        return new JobRows(job) { RunningRows = running };
    }

    [Fact]
    public void Rows_go_to_whoever_runs_fewest_so_a_big_request_gets_a_slice()
    {
        var big = Job(100);
        var small = Job(3);

        var picked = RowAdmission.Select([big, small], freeRows: 8);

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

        var picked = RowAdmission.Select([big, newcomer, beams], freeRows: 0);

        picked.Select(p => p.Job).Should().Equal(newcomer, beams);
    }

    [Fact]
    public void Beams_count_as_rows()
    {
        var beams = Job(10, beams: 4);

        RowAdmission.Select([beams], freeRows: 9).Should().HaveCount(2);
    }
}

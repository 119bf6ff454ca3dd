using System.Diagnostics;
using Seq2SeqService.Options;
using Seq2SeqService.Queue;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Segmentation;
using Seq2SeqService.Tests.Infrastructure;

namespace Seq2SeqService.Tests.Units;

public sealed class BatchPlannerTests
{
    private static readonly ScriptedModel Model = new();

    private static WorkItem Item(int length, GenerationSettings? settings = null)
    {
        var segment = new Segment("x", Enumerable.Repeat(5, length).ToArray(), "");
        return new WorkItem(new TranslationJob(Model, settings ?? Model.Defaults, [segment], CancellationToken.None), 0);
    }

    private static BatchPlanner Planner(int sequences = 4, int tokens = 1000, double waitMs = 50) =>
        new(new BatchingOptions { MaxBatchSequences = sequences, MaxBatchTokens = tokens, MaxWaitMilliseconds = waitMs });

    [Fact]
    public void A_lone_item_waits_for_company_until_the_maximum_wait()
    {
        var item = Item(3);
        var plan = Planner().Plan([item], item.Job.AcceptedAt, flush: false);

        plan.Batch.Should().BeEmpty();
        plan.WaitFor.Should().BeCloseTo(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(1));

        var later = item.Job.AcceptedAt + Stopwatch.Frequency / 10;
        Planner().Plan([item], later, flush: false).Batch.Should().Equal(item);
    }

    [Fact]
    public void A_full_group_runs_at_once_and_flush_runs_anything()
    {
        var items = Enumerable.Range(0, 4).Select(_ => Item(3)).ToList();
        Planner().Plan(items, items[0].Job.AcceptedAt, flush: false).Batch.Should().HaveCount(4);

        var lone = Item(3);
        Planner().Plan([lone], lone.Job.AcceptedAt, flush: true).Batch.Should().Equal(lone);
    }

    [Fact]
    public void Only_items_with_equal_settings_share_a_batch()
    {
        var greedy = Item(3);
        var beam = Item(3, Model.Defaults with { NumBeams = 4 });
        var greedy2 = Item(4);

        var plan = Planner().Plan([greedy, beam, greedy2], long.MaxValue / 2, flush: true);

        plan.Batch.Should().BeEquivalentTo([greedy, greedy2]);
    }

    [Fact]
    public void The_oldest_item_is_always_in_the_batch_with_items_of_similar_length()
    {
        var oldest = Item(10);
        var others = new[] { 1, 2, 9, 11, 12, 30, 31 }.Select(l => Item(l)).ToList();

        var batch = Planner(sequences: 4).Plan([oldest, .. others], long.MaxValue / 2, flush: true).Batch;

        batch.Should().Contain(oldest);
        batch.Select(i => i.Length).Should().Equal(9, 10, 11, 12);
    }

    [Fact]
    public void Padded_tokens_stay_within_the_token_limit()
    {
        var items = new[] { 10, 10, 10, 10 }.Select(l => Item(l)).ToList();

        var batch = Planner(sequences: 8, tokens: 25).Plan(items, long.MaxValue / 2, flush: true).Batch;

        batch.Should().HaveCount(2);
    }

    [Fact]
    public void An_item_longer_than_the_token_limit_still_runs_alone()
    {
        var huge = Item(50);
        Planner(tokens: 10).Plan([huge, Item(50)], long.MaxValue / 2, flush: true).Batch.Should().Equal(huge);
    }
}

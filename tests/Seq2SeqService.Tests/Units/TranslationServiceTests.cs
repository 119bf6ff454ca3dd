using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Seq2SeqService.Application;
using Seq2SeqService.Metrics;
using Seq2SeqService.Options;
using Seq2SeqService.Queue;
using Seq2SeqService.Scheduling;
using Seq2SeqService.Tests.Infrastructure;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Seq2SeqService.Tests.Units;

/// <summary>
/// The application layer on its own, over a queue that no scheduler drains: each way a command can fail comes
/// back as its typed error, before or after admission.
/// </summary>
public sealed class TranslationServiceTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ScriptedModel _model = new(maxInputTokens: 4);
    private readonly RequestQueue _queue = new(MsOptions.Create(new QueueOptions { Capacity = 1 }));
    private readonly ManualClock _clock = new();
    private readonly TranslationService _service;

    public TranslationServiceTests() => _service = ServiceWith(serviceTimeoutSeconds: 0);

    private TranslationService ServiceWith(double serviceTimeoutSeconds) =>
        new(new ScriptedCatalog(_model), _queue, MsOptions.Create(new RequestLimitsOptions { MaxTexts = 2, MaxBeams = 4 }),
            MsOptions.Create(new BatchingOptions { RequestTimeoutSeconds = serviceTimeoutSeconds }), _clock,
            new ServiceMetrics(_services.GetRequiredService<IMeterFactory>(), _queue));

    public void Dispose() => _services.Dispose();

    private async Task<TranslationError> ErrorOf(TranslationCommand command, CancellationToken cancellation = default)
    {
        var outcome = await _service.TranslateAsync(command, cancellation);
        outcome.Succeeded.Should().BeFalse();
        return outcome.Error!;
    }

    [Fact]
    public async Task Marks_that_leave_their_text_or_cross_or_miss_a_text_are_an_invalid_request()
    {
        var outside = await ErrorOf(new TranslationCommand(["ab", "cd"], Marks: [[], [new TextMark(1, 2, "b")]]));
        var crossing = await ErrorOf(new TranslationCommand(["abcd"], Marks: [[new TextMark(0, 2, "b"), new TextMark(1, 2, "i")]]));
        var missing = await ErrorOf(new TranslationCommand(["ab", "cd"], Marks: [[]]));

        outside.Fields!.Keys.Should().Equal("marks[1]");
        crossing.Fields!.Keys.Should().Equal("marks[0]");
        missing.Fields!.Keys.Should().Equal("marks");
        _queue.Admitted.Should().Be(0);
    }

    [Fact]
    public async Task Invalid_texts_model_and_options_are_all_reported_by_input_path()
    {
        var error = await ErrorOf(new TranslationCommand(["ok", " "], "nope", new GenerationOptions { NumBeams = 9 }));

        error.Kind.Should().Be(TranslationErrorKind.InvalidRequest);
        error.Fields!.Keys.Should().BeEquivalentTo("texts[1]", "model", "options.num_beams");
        _queue.Admitted.Should().Be(0);
    }

    [Fact]
    public async Task An_option_the_engine_refuses_is_named_with_its_allowed_range()
    {
        var error = await ErrorOf(new TranslationCommand(["ok"], Options: new GenerationOptions { TopP = 2 }));

        error.Kind.Should().Be(TranslationErrorKind.InvalidRequest);
        error.Fields!["options.top_p"].Should().Equal("must be a number in (0, 1].");
    }

    [Fact]
    public async Task A_sentence_longer_than_the_model_accepts_is_cut_into_rows_not_refused()
    {
        var translating = _service.TranslateAsync(new TranslationCommand(["fine", "A b. C d e f g h."]), CancellationToken.None);
        _queue.Reader.TryRead(out var job).Should().BeTrue();

        job!.Segments.Select(s => s.Text).Should().HaveCountGreaterThan(3).And.StartWith(["fine", "A b."]);
        job.Segments.Should().OnlyContain(s => s.InputIds.Count <= _model.MaxInputTokens);
        string.Join(" ", job.Segments.Skip(1).Select(s => s.Text)).Should().Be("A b. C d e f g h.");
        for (var i = 0; i < job.Segments.Count; i++)
        {
            job.SetOutput(i, new SequenceOutput([new Candidate($"<{job.Segments[i].Text}>", FinishReason.Eos, 2)]));
        }

        (await translating).Result!.Texts.Select(t => t.Best.Text).Should()
            .Equal("<fine>", string.Join(" ", job.Segments.Skip(1).Select(s => $"<{s.Text}>")));
    }

    [Fact]
    public async Task Split_sentences_zero_keeps_a_text_that_fits_whole_and_an_unknown_value_is_refused()
    {
        var whole = _service.TranslateAsync(new TranslationCommand(["a. b."], Options: new GenerationOptions { SplitSentences = "0" }),
            CancellationToken.None);
        _queue.Reader.TryRead(out var job).Should().BeTrue();
        job!.Segments.Select(s => s.Text).Should().Equal("a. b.");
        job.SetOutput(0, new SequenceOutput([new Candidate("x", FinishReason.Eos, 1)]));
        await whole;

        var error = await ErrorOf(new TranslationCommand(["a."], Options: new GenerationOptions { SplitSentences = "2" }));
        error.Kind.Should().Be(TranslationErrorKind.InvalidRequest);
        error.Fields!["options.split_sentences"].Should().ContainSingle().Which.Should().Contain("nonewlines");
    }

    [Fact]
    public async Task A_full_queue_is_overloaded_and_a_completed_one_is_stopping()
    {
        using var first = new CancellationTokenSource();
        var admitted = _service.TranslateAsync(new TranslationCommand(["waits"]), first.Token);
        _queue.Admitted.Should().Be(1);

        (await ErrorOf(new TranslationCommand(["second"]))).Kind.Should().Be(TranslationErrorKind.Overloaded);

        await first.CancelAsync();
        (await admitted).Error!.Kind.Should().Be(TranslationErrorKind.Cancelled);
        _queue.Complete();
        (await ErrorOf(new TranslationCommand(["late"]))).Kind.Should().Be(TranslationErrorKind.Stopping);
    }

    [Fact]
    public async Task Outputs_come_back_per_text_with_the_job_figures()
    {
        var translating = _service.TranslateAsync(new TranslationCommand(["A b c. D e f.", "g"]), CancellationToken.None);
        _queue.Reader.TryRead(out var job).Should().BeTrue();
        job!.OnBatchStarted(3, job.AcceptedAt);
        for (var i = 0; i < job.Segments.Count; i++)
        {
            job.SetOutput(i, new SequenceOutput([new Candidate($"<{job.Segments[i].Text}>", FinishReason.Eos, 2)]));
        }

        var result = (await translating).Result!;
        result.Model.Should().Be("scripted");
        result.Texts.Select(t => t.Best.Text).Should().Equal("<A b c.> <D e f.>", "<g>");
        result.Texts.Select(t => t.Best.OutputTokens).Should().Equal(4, 2);
        result.BatchSizes.Should().Equal(3);
    }

    [Fact]
    public async Task A_deadline_counts_the_time_spent_waiting_in_the_queue()
    {
        var translating = _service.TranslateAsync(new TranslationCommand(["never started"], Options: new GenerationOptions { TimeoutMs = 1000 }),
            CancellationToken.None);

        _clock.Advance(TimeSpan.FromMilliseconds(999));
        translating.IsCompleted.Should().BeFalse();
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        var error = (await translating).Error!;
        error.Kind.Should().Be(TranslationErrorKind.LimitExceeded);
        error.Message.Should().StartWith("The request did not finish within its deadline of 1000 ms (options.timeout_ms)");
        _queue.Admitted.Should().Be(0, "the stopped request gives its queue slot back");
    }

    [Theory]
    [InlineData(500, 0, 500, "options.timeout_ms")]
    [InlineData(500, 2, 500, "options.timeout_ms")]
    [InlineData(5000, 2, 2000, "Service:Batching:RequestTimeoutSeconds")]
    [InlineData(null, 0.25, 250, "Service:Batching:RequestTimeoutSeconds")]
    public async Task The_shorter_of_the_requests_and_the_services_deadline_applies(int? timeoutMs, double serviceSeconds,
        int firesAfterMs, string source)
    {
        var service = ServiceWith(serviceSeconds);
        var translating = service.TranslateAsync(new TranslationCommand(["waits"], Options: new GenerationOptions { TimeoutMs = timeoutMs }),
            CancellationToken.None);

        _clock.Advance(TimeSpan.FromMilliseconds(firesAfterMs - 1));
        translating.IsCompleted.Should().BeFalse();
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        (await translating).Error!.Message.Should().Contain($"deadline of {firesAfterMs} ms ({source})");
    }

    [Fact]
    public void Without_either_setting_there_is_no_deadline() => RequestDeadline.Of(null, 0).Should().BeNull();
}

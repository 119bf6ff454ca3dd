using Seq2SeqService.Metrics;
using Seq2SeqService.Scheduling;

namespace Seq2SeqService.Tests.Units;

/// <summary>When the service gives memory back: once per stretch of work, a whole quiet period after it ended.</summary>
public sealed class IdleMemoryReleaseTests
{
    private sealed class NoQueue : IQueueDepth
    {
        public int Waiting => 0;

        public int Admitted => 0;

        public long Accepted => 0;
    }

    [Fact]
    public void Memory_goes_back_once_a_whole_period_after_the_last_job_and_not_while_work_runs()
    {
        var release = new IdleMemoryRelease(new NoQueue(), TimeProvider.System);

        release.Tick(admitted: 0, accepted: 0).Should().BeFalse("nothing ran since start");
        release.Tick(admitted: 3, accepted: 3).Should().BeFalse("jobs are running");
        release.Tick(admitted: 0, accepted: 3).Should().BeFalse("the last job may have ended just now");
        release.Tick(admitted: 0, accepted: 4).Should().BeFalse("a job came and went within the period");
        release.Tick(admitted: 0, accepted: 4).Should().BeTrue("a whole period was quiet");
        release.Tick(admitted: 0, accepted: 4).Should().BeFalse("nothing ran since the release");
        release.Tick(admitted: 1, accepted: 5).Should().BeFalse();
        release.Tick(admitted: 0, accepted: 5).Should().BeFalse();
        release.Tick(admitted: 0, accepted: 5).Should().BeTrue("the next stretch of work ended a period ago");
    }
}

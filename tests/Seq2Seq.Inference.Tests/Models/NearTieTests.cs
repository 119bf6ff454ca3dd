using Seq2Seq.Inference.Tests.Fakes;

namespace Seq2Seq.Inference.Tests.Models;

public class NearTieTests
{
    [Fact]
    public void The_margin_is_the_log_probability_gap_at_the_first_difference()
    {
        var table = new Dictionary<string, double[]>
        {
            ["0"] = [0, .1, .5, .4, 0],
            ["0,2"] = [0, .2, .3, .5, 0],
        };
        var runner = new ScriptedRunner(5, Scripts.Table(table));
        var settings = Scripts.Settings(5);

        NearTie.Margin(runner, settings, [4, 1], [2, 3, 1], [3, 1]).Should().BeApproximately(Math.Log(.5 / .4), 1e-6);
        NearTie.Margin(runner, settings, [4, 1], [2, 3, 1], [2, 1]).Should().BeApproximately(Math.Log(.5 / .2), 1e-6);
    }
}

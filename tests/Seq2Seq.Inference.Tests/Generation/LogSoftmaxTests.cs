namespace Seq2Seq.Inference.Tests.Generation;

public class LogSoftmaxTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(37)]
    [InlineData(8003)]
    public void Matches_a_double_precision_computation(int length)
    {
        var random = new Random(length);
        var x = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 40 - 20)).ToArray();
        var max = x.Max();
        var logSum = Math.Log(x.Sum(v => Math.Exp(v - max))) + max;

        var y = (float[])x.Clone();
        LogSoftmax.InPlace(y);

        for (var i = 0; i < length; i++)
        {
            y[i].Should().BeApproximately((float)(x[i] - logSum), 2e-5f);
        }
    }

    [Fact]
    public void Forbidden_tokens_stay_negative_infinity_and_do_not_disturb_the_rest()
    {
        var x = Enumerable.Repeat(0f, 20).ToArray();
        x[3] = float.NegativeInfinity;
        x[17] = float.NegativeInfinity;

        LogSoftmax.InPlace(x);

        x[3].Should().Be(float.NegativeInfinity);
        x[17].Should().Be(float.NegativeInfinity);
        x[0].Should().BeApproximately((float)-Math.Log(18), 1e-6f);
    }

    [Fact]
    public void Arg_max_prefers_the_lowest_index_on_ties()
    {
        var x = new float[19];
        x[11] = 5f;
        x[16] = 5f;

        LogSoftmax.ArgMax(x).Should().Be(11);
    }
}

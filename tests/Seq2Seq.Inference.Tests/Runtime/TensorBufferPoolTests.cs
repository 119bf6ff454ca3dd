using Seq2Seq.Inference.Runtime;

namespace Seq2Seq.Inference.Tests.Runtime;

public class TensorBufferPoolTests
{
    [Fact]
    public void A_returned_buffer_is_lent_again_to_a_request_it_fits()
    {
        var pool = new TensorBufferPool<float>(1L << 20);
        var first = pool.Rent(1000);
        pool.Return(first);

        pool.Rent(900).Should().BeSameAs(first);
    }

    [Fact]
    public void Buffers_past_the_idle_limit_are_freed_smallest_first_and_clearing_frees_the_rest()
    {
        // 4 bytes a float and 1.5 × headroom: buffers of 1,500 and 15,000 floats, 6,000 and 60,000 bytes.
        var pool = new TensorBufferPool<float>(60_000);
        var small = pool.Rent(1_000);
        var large = pool.Rent(10_000);

        pool.Return(small);
        pool.Return(large);

        small.Invoking(b => b.Span.Length).Should().Throw<ObjectDisposedException>("the idle limit left no room for it");
        large.Span.Length.Should().Be(15_000);

        pool.Clear();

        large.Invoking(b => b.Span.Length).Should().Throw<ObjectDisposedException>();
    }
}

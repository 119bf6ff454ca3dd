using System.Runtime.ExceptionServices;

namespace Seq2Seq.Inference.Runtime;

/// <summary>
/// Opens independent resources (model files, bundles) on separate threads: loading is CPU-bound and dominates
/// start-up. If one fails, the others are disposed and the first failure is rethrown as it was.
/// </summary>
public static class ParallelOpen
{
    public static T[] All<T>(int count, Func<int, T> open)
        where T : class, IDisposable
    {
        var opened = new T?[count];
        try
        {
            Parallel.For(0, count, i => opened[i] = open(i));
        }
        catch (AggregateException e)
        {
            foreach (var item in opened)
            {
                item?.Dispose();
            }

            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }

        return opened!;
    }
}

using System.Buffers;
using System.Runtime.CompilerServices;

namespace Seq2Seq.Tokenizers.SentencePiece;

/// <summary>
/// A growable buffer on ArrayPool storage, so that encoding a line allocates nothing per character.
/// Must be disposed exactly once; a struct so that it lives on the caller's stack.
/// </summary>
internal struct PooledBuffer<T> : IDisposable
{
    private T[] _array;
    private int _count;

    public PooledBuffer(int capacity)
    {
        _array = ArrayPool<T>.Shared.Rent(Math.Max(capacity, 16));
        _count = 0;
    }

    public readonly int Count => _count;

    public readonly Span<T> Span => _array.AsSpan(0, _count);

    public readonly ref T this[int index] => ref _array[index];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(T item)
    {
        if (_count == _array.Length)
        {
            Grow(_count + 1);
        }

        _array[_count++] = item;
    }

    public void AddRange(ReadOnlySpan<T> items)
    {
        if (_count + items.Length > _array.Length)
        {
            Grow(_count + items.Length);
        }

        items.CopyTo(_array.AsSpan(_count));
        _count += items.Length;
    }

    public void Truncate(int count) => _count = count;

    public readonly bool EndsWith(ReadOnlySpan<T> suffix) => Span.EndsWith(suffix);

    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<T>.Shared.Return(_array);
            _array = null!;
        }
    }

    private void Grow(int needed)
    {
        var bigger = ArrayPool<T>.Shared.Rent(Math.Max(needed, _array.Length * 2));
        _array.AsSpan(0, _count).CopyTo(bigger);
        ArrayPool<T>.Shared.Return(_array);
        _array = bigger;
    }
}

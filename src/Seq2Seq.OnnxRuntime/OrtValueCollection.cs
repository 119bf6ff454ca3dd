using System.Collections;

namespace Seq2Seq.OnnxRuntime;

/// <summary>
/// The outputs of one run, in the order they were asked for. Disposing the collection disposes every output
/// still in it; <see cref="Detach(int)"/> takes one out to outlive the rest (e.g. a KV cache for the next step).
/// </summary>
public sealed class OrtValueCollection : IReadOnlyList<OrtValue>, IDisposable
{
    private readonly string[] _names;
    private readonly OrtValue?[] _values;

    internal OrtValueCollection(string[] names, OrtValue?[] values)
    {
        _names = names;
        _values = values;
    }

    public int Count => _values.Length;

    /// <summary>Output names, in the same order as the values.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <exception cref="InvalidOperationException">The output was detached.</exception>
    public OrtValue this[int index] =>
        _values[index] ?? throw new InvalidOperationException($"Output {index} ('{_names[index]}') was detached.");

    /// <exception cref="KeyNotFoundException">No output of that name was asked for.</exception>
    public OrtValue this[string name] => this[IndexOf(name)];

    /// <summary>Removes an output from the collection; the caller now owns and must dispose it.</summary>
    public OrtValue Detach(int index)
    {
        var value = this[index];
        _values[index] = null;
        return value;
    }

    /// <inheritdoc cref="Detach(int)"/>
    public OrtValue Detach(string name) => Detach(IndexOf(name));

    public IEnumerator<OrtValue> GetEnumerator()
    {
        for (var i = 0; i < _values.Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        for (var i = 0; i < _values.Length; i++)
        {
            _values[i]?.Dispose();
            _values[i] = null;
        }
    }

    private int IndexOf(string name)
    {
        var index = Array.IndexOf(_names, name);
        return index >= 0 ? index : throw new KeyNotFoundException($"No output named '{name}' in this result.");
    }
}

namespace Seq2Seq.Inference.Bundles;

/// <summary>
/// One field of config.json under the names a family gives it, the first present winning: families name the
/// same quantity differently, and some state a field only when it differs from another (T5's
/// num_decoder_layers falls back to num_layers).
/// </summary>
public sealed record ConfigKey(params string[] Names)
{
    public override string ToString() => string.Join(" or ", Names);

    /// <summary>The first present name's value, which must be a positive integer; <paramref name="fallback"/> when none is present.</summary>
    /// <exception cref="ModelBundleException">None is present and there is no fallback, or the value is not positive; names the field.</exception>
    internal int Positive(JsonFile json, int? fallback = null)
    {
        var name = Names.FirstOrDefault(json.Has);
        if (name is null)
        {
            return fallback ?? throw new ModelBundleException(json.Path, Names[0], "is missing.");
        }

        var value = json.Int(name);
        return value > 0 ? value : throw new ModelBundleException(json.Path, name, $"must be positive, not {value}.");
    }
}

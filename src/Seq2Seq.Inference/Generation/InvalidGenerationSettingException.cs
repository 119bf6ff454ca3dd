namespace Seq2Seq.Inference.Generation;

/// <summary>
/// A generation setting is out of range. <see cref="Parameter"/> is the Hugging Face name
/// (e.g. <c>num_beams</c>) so that a caller can report it back in the same vocabulary it was given.
/// </summary>
public sealed class InvalidGenerationSettingException : ArgumentException
{
    public InvalidGenerationSettingException(string parameter, string allowed, object? actual)
        : base($"{parameter} must be {allowed} (got {Format(actual)}).", parameter)
    {
        Parameter = parameter;
        Allowed = allowed;
    }

    /// <summary>The setting's Hugging Face name.</summary>
    public string Parameter { get; }

    /// <summary>The allowed values, in words, e.g. "an integer in [1, 16]".</summary>
    public string Allowed { get; }

    private static string Format(object? value) => value switch
    {
        null => "null",
        float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

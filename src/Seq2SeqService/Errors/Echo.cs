namespace Seq2SeqService.Errors;

/// <summary>
/// Client-supplied values quoted in error details are cut short: a 100,000-character model name should not
/// come back (or reach the logs) at full length.
/// </summary>
public static class Echo
{
    public const int MaxLength = 64;

    public static string Truncate(string? value)
    {
        if (value is null || value.Length <= MaxLength)
        {
            return value ?? "";
        }

        // Never cut between the halves of a surrogate pair: a lone half cannot be written as JSON.
        var length = char.IsHighSurrogate(value[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
        return $"{value.AsSpan(0, length)}… ({value.Length} characters)";
    }
}

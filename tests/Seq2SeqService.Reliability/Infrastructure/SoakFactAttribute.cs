namespace Seq2SeqService.Reliability.Infrastructure;

/// <summary>A test that runs only when <c>SEQ2SEQ_SOAK_MINUTES</c> asks for a soak of that many minutes.</summary>
public sealed class SoakFactAttribute : FactAttribute
{
    public const string Variable = "SEQ2SEQ_SOAK_MINUTES";

    public SoakFactAttribute()
    {
        if (Minutes is null)
        {
            Skip = $"a soak; set {Variable}=N to run it for N minutes";
        }
    }

    public static double? Minutes =>
        double.TryParse(Environment.GetEnvironmentVariable(Variable), System.Globalization.CultureInfo.InvariantCulture,
            out var minutes) && minutes > 0 ? minutes : null;
}

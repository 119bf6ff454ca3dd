namespace Seq2Seq.Inference.Generation;

/// <summary>Runs one cohort from encoder to last decoder step.</summary>
public static class Generator
{
    /// <summary>Generates for all requests as one batch; results are in request order.</summary>
    public static GenerationResult[] Generate(IModelRunner runner, IReadOnlyList<GenerationRequest> requests, DraftModel? draft = null)
    {
        using var cohort = GenerationCohort.Start(runner, requests, draft);
        while (!cohort.IsCompleted)
        {
            cohort.Step();
        }

        var results = new GenerationResult[requests.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = cohort.Result(i)!;
        }

        return results;
    }
}

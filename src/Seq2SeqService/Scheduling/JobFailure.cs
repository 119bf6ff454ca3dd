namespace Seq2SeqService.Scheduling;

/// <summary>Why an accepted job ended without its outputs.</summary>
public enum JobFailure
{
    /// <summary>The queue could not take the job after all; nobody awaits it.</summary>
    Refused,

    /// <summary>The service stopped (drain deadline passed) before the job's rows were generated.</summary>
    Stopped,

    /// <summary>The engine threw while running a batch that carried the job; the error was logged.</summary>
    GenerationFailed,

    /// <summary>The job's <see cref="TranslationJob.Deadline"/> passed before it finished; its rows were stopped.</summary>
    DeadlineExceeded,

    /// <summary>The job's rows generated more tokens than the service's budget per request; its rows were stopped.</summary>
    TokenBudgetExceeded,
}

/// <summary>The exception a failed job's completion carries; the translation service turns it into its error.</summary>
public sealed class JobFailedException(JobFailure reason) : Exception(reason switch
{
    JobFailure.Stopped => "The service stopped before this request could be translated; retry it.",
    JobFailure.GenerationFailed => "The model failed to generate this batch; the error was logged.",
    JobFailure.DeadlineExceeded => "The request did not finish before its deadline.",
    JobFailure.TokenBudgetExceeded => "The request generated more tokens (beams and samples counted) than the service's budget per request (Service:Batching:MaxTokensPerRequest).",
    _ => "The request queue could not take this request.",
})
{
    public JobFailure Reason { get; } = reason;
}

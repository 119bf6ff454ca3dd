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
}

/// <summary>The exception a failed job's completion carries; the translation service turns it into its error.</summary>
public sealed class JobFailedException(JobFailure reason) : Exception(reason switch
{
    JobFailure.Stopped => "The service stopped before this request could be translated; retry it.",
    JobFailure.GenerationFailed => "The model failed to generate this batch; the error was logged.",
    _ => "The request queue could not take this request.",
})
{
    public JobFailure Reason { get; } = reason;
}

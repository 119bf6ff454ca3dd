namespace Seq2SeqService.Scheduling;

/// <summary>One sequence waiting to be batched: segment <see cref="Index"/> of <see cref="Job"/>.</summary>
public readonly record struct WorkItem(TranslationJob Job, int Index)
{
    public int Length => Job.Segments[Index].InputIds.Count;

    /// <summary>Items may share a batch only when they use the same model and equal settings.</summary>
    public bool IsCompatibleWith(WorkItem other) =>
        ReferenceEquals(Job.Model, other.Job.Model) && Job.Settings == other.Job.Settings;
}

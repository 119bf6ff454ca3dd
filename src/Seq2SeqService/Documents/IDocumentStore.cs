namespace Seq2SeqService.Documents;

/// <summary>
/// Where document jobs, their files and their translations live between the upload, the worker and the download.
/// The embedded default is <see cref="DiskDocumentStore"/>; <see cref="RedisDocumentStore"/> is the one replicas
/// share. Ids reaching a store have passed <see cref="DocumentJob.IsId"/>.
/// </summary>
public interface IDocumentStore
{
    Task CreateAsync(DocumentJob job, byte[] file, CancellationToken cancellation);

    /// <summary>The job, or <see langword="null"/> when unknown, deleted or past its time-to-live.</summary>
    Task<DocumentJob?> GetAsync(string id, CancellationToken cancellation);

    Task UpdateAsync(DocumentJob job, CancellationToken cancellation);

    Task<byte[]?> ReadFileAsync(string id, CancellationToken cancellation);

    /// <summary>Stores the translation and the job marked done, together.</summary>
    Task CompleteAsync(DocumentJob job, byte[] translation, CancellationToken cancellation);

    Task<byte[]?> ReadTranslationAsync(string id, CancellationToken cancellation);

    Task DeleteAsync(string id, CancellationToken cancellation);

    /// <summary>Jobs still queued or translating, oldest first: what a restarted worker resumes.</summary>
    Task<IReadOnlyList<DocumentJob>> UnfinishedAsync(CancellationToken cancellation);

    /// <summary>Deletes every job past its time-to-live; returns how many.</summary>
    Task<int> RemoveExpiredAsync(CancellationToken cancellation);
}

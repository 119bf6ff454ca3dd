using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Seq2SeqService.Options;

namespace Seq2SeqService.Documents;

/// <summary>
/// The embedded store: a folder per job (<c>job.json</c>, <c>file</c>, <c>translation</c>) under
/// <see cref="DocumentOptions.Folder"/>, so jobs outlive the process. Each file is written beside its final name and
/// moved over it, so a reader never sees half a file. Folder names are ids only: a client's file name is never a path.
/// </summary>
public sealed class DiskDocumentStore : IDocumentStore
{
    private const string JobFile = "job.json";
    private const string SourceFile = "file";
    private const string TranslationFile = "translation";

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    private readonly string _folder;
    private readonly TimeProvider _time;

    public DiskDocumentStore(IOptions<DocumentOptions> options, TimeProvider time)
    {
        _folder = Path.GetFullPath(options.Value.EffectiveFolder);
        _time = time;
        Directory.CreateDirectory(_folder);
    }

    public async Task CreateAsync(DocumentJob job, byte[] file, CancellationToken cancellation)
    {
        Directory.CreateDirectory(FolderOf(job.Id));
        await WriteAsync(job.Id, SourceFile, file, cancellation);
        await UpdateAsync(job, cancellation);
    }

    public async Task<DocumentJob?> GetAsync(string id, CancellationToken cancellation)
    {
        var job = await ReadJobAsync(id, cancellation);
        return job is null || job.Expires <= _time.GetUtcNow() ? null : job;
    }

    public Task UpdateAsync(DocumentJob job, CancellationToken cancellation) =>
        WriteAsync(job.Id, JobFile, JsonSerializer.SerializeToUtf8Bytes(job, Json), cancellation);

    public Task<byte[]?> ReadFileAsync(string id, CancellationToken cancellation) => ReadAsync(id, SourceFile, cancellation);

    public async Task CompleteAsync(DocumentJob job, byte[] translation, CancellationToken cancellation)
    {
        await WriteAsync(job.Id, TranslationFile, translation, cancellation);
        await UpdateAsync(job, cancellation);
    }

    public Task<byte[]?> ReadTranslationAsync(string id, CancellationToken cancellation) =>
        ReadAsync(id, TranslationFile, cancellation);

    public Task DeleteAsync(string id, CancellationToken cancellation)
    {
        try
        {
            Directory.Delete(FolderOf(id), recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Deleted already: by its TTL, or by a download racing this one.
        }

        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<DocumentJob>> UnfinishedAsync(CancellationToken cancellation)
    {
        var jobs = new List<DocumentJob>();
        foreach (var id in Ids())
        {
            if (await GetAsync(id, cancellation) is { Status: DocumentStatus.Queued or DocumentStatus.Translating } job)
            {
                jobs.Add(job);
            }
        }

        return jobs.OrderBy(j => j.Created).ToList();
    }

    public async Task<int> RemoveExpiredAsync(CancellationToken cancellation)
    {
        var removed = 0;
        var now = _time.GetUtcNow();
        foreach (var id in Ids())
        {
            var job = await ReadJobAsync(id, cancellation);
            // A folder without a readable job is an upload that died half-written; its own age is all there is to go by.
            var expired = job is null
                ? Directory.GetCreationTimeUtc(FolderOf(id)) < now.UtcDateTime - TimeSpan.FromDays(1)
                : job.Expires <= now;
            if (expired)
            {
                await DeleteAsync(id, cancellation);
                removed++;
            }
        }

        return removed;
    }

    private IEnumerable<string> Ids() =>
        Directory.EnumerateDirectories(_folder).Select(Path.GetFileName).Where(DocumentJob.IsId).Select(id => id!);

    private string FolderOf(string id) => DocumentJob.IsId(id)
        ? Path.Combine(_folder, id)
        : throw new ArgumentException("Not a document id.", nameof(id));

    private async Task<DocumentJob?> ReadJobAsync(string id, CancellationToken cancellation)
    {
        var bytes = await ReadAsync(id, JobFile, cancellation);
        try
        {
            return bytes is null ? null : JsonSerializer.Deserialize<DocumentJob>(bytes, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<byte[]?> ReadAsync(string id, string name, CancellationToken cancellation)
    {
        try
        {
            return await File.ReadAllBytesAsync(Path.Combine(FolderOf(id), name), cancellation);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private async Task WriteAsync(string id, string name, byte[] bytes, CancellationToken cancellation)
    {
        var path = Path.Combine(FolderOf(id), name);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellation);
        File.Move(temporary, path, overwrite: true);
    }
}

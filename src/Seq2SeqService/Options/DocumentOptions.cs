namespace Seq2SeqService.Options;

/// <summary>Document translation (docs/documents.md): where jobs are kept, how large a file may be, how long it is kept.</summary>
public sealed class DocumentOptions
{
    public const string Section = "Service:Documents";

    /// <summary>
    /// Folder of the disk store: one sub-folder per job. Empty: <c>seq2seq-documents</c> under the temp folder. Jobs
    /// left queued or translating there when the process stopped are resumed at the next start.
    /// </summary>
    public string Folder { get; set; } = "";

    /// <summary>Largest uploaded file in bytes (413 beyond); the request body limit caps it too.</summary>
    public long MaxFileBytes { get; set; } = 524_288;

    /// <summary>
    /// Most bytes a zipped file (docx, xlsx, pptx, odt, odp, epub) may unpack to, counted while unpacking, not taken from the zip's
    /// own claims: a zip bomb is refused with a 400 before any of it is parsed.
    /// </summary>
    public long MaxUnpackedBytes { get; set; } = 33_554_432;

    /// <summary>Most entries a zipped file may hold (400 beyond): each is a part the reader would open.</summary>
    public int MaxPackageEntries { get; set; } = 2_000;

    /// <summary>How long a job, its file and its translation are kept after upload, downloaded or not.</summary>
    public double TimeToLiveMinutes { get; set; } = 60;

    public TimeSpan TimeToLive => TimeSpan.FromMinutes(TimeToLiveMinutes);

    /// <summary>
    /// A StackExchange.Redis connection string (<c>redis:6379</c>, <c>host:port,password=...</c>). Set: jobs, files,
    /// their queue and translations live in Redis, shared by every replica that names the same one, instead of
    /// <see cref="Folder"/>. Empty: the disk store.
    /// </summary>
    public string Redis { get; set; } = "";

    /// <summary>
    /// With <see cref="Redis"/>: how long a replica's claim on a job lasts unless renewed (it is renewed every third
    /// of it while the replica translates); a job whose replica stopped is taken by another once its claim lapses.
    /// </summary>
    public double RedisLeaseSeconds { get; set; } = 30;

    public TimeSpan RedisLease => TimeSpan.FromSeconds(RedisLeaseSeconds);

    /// <summary><see cref="Folder"/>, with empty resolved to the temp folder's.</summary>
    public string EffectiveFolder => Folder.Length > 0 ? Folder : Path.Combine(Path.GetTempPath(), "seq2seq-documents");
}

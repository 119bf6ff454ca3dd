namespace Seq2SeqService.Auth;

/// <summary>One API key and what it may use.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The secret a client presents.</summary>
    public string Key { get; set; } = "";

    /// <summary>Who holds the key; shown in metrics and usage, never the key itself. Defaults to <c>key-N</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Most requests per minute on the translation endpoints; 0 means no limit.</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>Most characters translated per calendar month (UTC); 0 means no quota.</summary>
    public long CharactersPerMonth { get; set; }
}

/// <summary>Who may call the translation endpoints. No keys (none listed, no file): the service is open.</summary>
public sealed class AuthOptions
{
    public const string Section = "Service:Auth";

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>
    /// A JSON file holding more keys, an array of objects shaped like <see cref="ApiKeys"/>' entries, so that
    /// secrets can come from a mounted file rather than from settings or the environment.
    /// </summary>
    public string? KeysFile { get; set; }
}

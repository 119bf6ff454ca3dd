using System.Text.Json;
using Microsoft.Extensions.Options;
using Seq2SeqService.Options;

namespace Seq2SeqService.Auth;

/// <summary>
/// The configured keys and the keys file merged into one list, with every problem named by its setting; the
/// options validator and the key store read the keys through here so start-up refuses what the store would.
/// </summary>
public static class ApiKeyList
{
    private static readonly JsonSerializerOptions FileFormat = new() { PropertyNameCaseInsensitive = true };

    public static (IReadOnlyList<ApiKeyOptions> Keys, IReadOnlyList<string> Failures) Collect(AuthOptions options)
    {
        var failures = new List<string>();
        var keys = new List<(ApiKeyOptions Key, string Setting)>();
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            keys.Add((options.ApiKeys[i], $"{AuthOptions.Section}:ApiKeys:{i}"));
        }

        if (!string.IsNullOrWhiteSpace(options.KeysFile))
        {
            var fromFile = ReadFile(options.KeysFile, failures);
            for (var i = 0; i < fromFile.Count; i++)
            {
                keys.Add((fromFile[i], $"{AuthOptions.Section}:KeysFile '{options.KeysFile}' entry {i}"));
            }
        }

        for (var i = 0; i < keys.Count; i++)
        {
            var (key, setting) = keys[i];
            key.Name = string.IsNullOrWhiteSpace(key.Name) ? $"key-{i}" : key.Name.Trim();
            Check(failures, string.IsNullOrWhiteSpace(key.Key) || key.Key.Trim() != key.Key,
                $"{setting}:Key is empty or has surrounding whitespace");
            Check(failures, key.RequestsPerMinute is < 0 or > 1_000_000,
                $"{setting}:RequestsPerMinute = {key.RequestsPerMinute} is outside [0, 1000000]");
            Check(failures, key.CharactersPerMonth < 0,
                $"{setting}:CharactersPerMonth = {key.CharactersPerMonth} is negative");
        }

        foreach (var name in keys.GroupBy(k => k.Key.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            failures.Add($"{AuthOptions.Section}:ApiKeys names '{name.Key}' more than once");
        }

        // Two holders sharing a secret could not be told apart; the message must not repeat the secret.
        if (keys.GroupBy(k => k.Key.Key, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            failures.Add($"{AuthOptions.Section}:ApiKeys lists the same key more than once");
        }

        return (keys.Select(k => k.Key).ToList(), failures);
    }

    private static List<ApiKeyOptions> ReadFile(string path, List<string> failures)
    {
        try
        {
            return JsonSerializer.Deserialize<List<ApiKeyOptions>>(File.ReadAllText(path), FileFormat) ?? [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            failures.Add($"{AuthOptions.Section}:KeysFile '{path}' cannot be read as a JSON array of keys: {e.Message}");
            return [];
        }
    }

    private static void Check(List<string> failures, bool failed, string message)
    {
        if (failed)
        {
            failures.Add(message);
        }
    }
}

/// <summary>
/// Refuses start-up on an unusable key list, and on the removed <c>ProtectMetrics</c> / <c>ProtectSwagger</c>
/// settings: left in place they would be ignored silently and leave /metrics and /swagger open.
/// </summary>
public sealed class AuthOptionsValidator(IConfiguration configuration) : IValidateOptions<AuthOptions>
{
    private const string OperatorKeySetting = ServerOptions.Section + ":" + nameof(ServerOptions.OperatorKey);
    private static readonly string[] RemovedSettings = ["ProtectMetrics", "ProtectSwagger"];

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = ApiKeyList.Collect(options).Failures.ToList();
        var section = configuration.GetSection(AuthOptions.Section);
        failures.AddRange(RemovedSettings.Where(setting => section[setting] is not null).Select(setting =>
            $"{AuthOptions.Section}:{setting} was removed: set {OperatorKeySetting} to put /metrics and /swagger " +
            "behind a key (docs/configuration.md)"));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using System.Text.Json.Nodes;

namespace Seq2Seq.Inference.Tests.Bundles;

/// <summary>A config.json edited for a test, and the temporary folder tests write it to.</summary>
internal static class ConfigJson
{
    public static string TemporaryFolder(string purpose)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"seq2seq-{purpose}-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Reads <paramref name="from"/>, applies <paramref name="edit"/> and writes the result to <paramref name="to"/>.</summary>
    public static JsonObject Edit(string from, string to, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(from))!.AsObject();
        edit(json);
        File.WriteAllText(to, json.ToJsonString());
        return json;
    }
}

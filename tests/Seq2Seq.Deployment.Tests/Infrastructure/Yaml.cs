using YamlDotNet.RepresentationModel;

namespace Seq2Seq.Deployment.Tests.Infrastructure;

/// <summary>YAML manifests as YamlDotNet's node tree, with path navigation that names what is missing.</summary>
public static class Yaml
{
    public static IReadOnlyList<YamlMappingNode> Documents(string relativePath)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(Repo.Read(relativePath)))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    public static YamlMappingNode Single(string relativePath) => Documents(relativePath).Should().ContainSingle().Subject;

    /// <summary>Walks string keys through mappings and int indices through sequences.</summary>
    public static YamlNode At(this YamlNode node, params object[] path)
    {
        var current = node;
        var walked = "";
        foreach (var step in path)
        {
            walked += "/" + step;
            current = (current, step) switch
            {
                (YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var child)
                    ? child
                    : throw new KeyNotFoundException($"no {walked}"),
                (YamlSequenceNode seq, int index) when index < seq.Children.Count => seq.Children[index],
                _ => throw new KeyNotFoundException($"no {walked} (found a {current.NodeType})"),
            };
        }

        return current;
    }

    public static bool Has(this YamlNode node, params object[] path)
    {
        try
        {
            node.At(path);
            return true;
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    public static string Text(this YamlNode node, params object[] path) =>
        ((YamlScalarNode)node.At(path)).Value ?? "";

    public static IReadOnlyList<YamlNode> Items(this YamlNode node, params object[] path) =>
        ((YamlSequenceNode)node.At(path)).Children.ToList();

    public static IReadOnlyDictionary<string, YamlNode> Entries(this YamlNode node, params object[] path) =>
        ((YamlMappingNode)node.At(path)).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => e.Value);

    public static IReadOnlyDictionary<string, string> Strings(this YamlNode node, params object[] path) =>
        node.Entries(path).ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value ?? "");
}

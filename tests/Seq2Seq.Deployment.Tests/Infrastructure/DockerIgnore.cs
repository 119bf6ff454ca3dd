using System.Text.RegularExpressions;

namespace Seq2Seq.Deployment.Tests.Infrastructure;

/// <summary>
/// .dockerignore as the Docker builder applies it: patterns relative to the context root, `**` for any
/// number of folders, a match on a folder excludes what is inside it, `!` re-includes, the last match wins.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Include)> _rules = [];

    public DockerIgnore(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var include = line.StartsWith('!');
            _rules.Add((ToRegex(line.TrimStart('!').Trim('/')), include));
        }
    }

    public bool Excludes(string relativePath)
    {
        var path = relativePath.Replace('\\', '/').Trim('/');
        var prefixes = path.Split('/').Select((_, i) => string.Join('/', path.Split('/')[..(i + 1)])).ToList();
        var excluded = false;
        foreach (var (pattern, include) in _rules)
        {
            if (prefixes.Any(pattern.IsMatch))
            {
                excluded = !include;
            }
        }

        return excluded;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = Regex.Escape(pattern)
            .Replace(@"\*\*/", "(.*/)?")
            .Replace(@"\*\*", ".*")
            .Replace(@"\*", "[^/]*")
            .Replace(@"\?", "[^/]");
        return new Regex("^" + regex + "$");
    }
}

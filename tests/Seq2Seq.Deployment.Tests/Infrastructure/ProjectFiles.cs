using System.Xml.Linq;

namespace Seq2Seq.Deployment.Tests.Infrastructure;

/// <summary>The MSBuild files a project needs to evaluate: itself, its project references and imports, transitively.</summary>
public static class ProjectFiles
{
    /// <summary>Repository-relative paths, '/'-separated.</summary>
    public static IReadOnlySet<string> Closure(string relativeProject)
    {
        var found = new HashSet<string>();
        var pending = new Stack<string>([relativeProject]);
        while (pending.TryPop(out var project))
        {
            if (!found.Add(project))
            {
                continue;
            }

            var folder = Path.GetDirectoryName(Repo.PathOf(project))!;
            var referenced = XDocument.Load(Repo.PathOf(project)).Descendants()
                .Where(e => e.Name.LocalName is "ProjectReference" or "Import")
                .Select(e => (string?)e.Attribute("Include") ?? (string?)e.Attribute("Project"))
                .Where(p => p is not null && !p.Contains("$("))
                .Select(p => Path.GetRelativePath(Repo.Root, Path.GetFullPath(Path.Combine(folder, p!.Replace('\\', '/')))).Replace('\\', '/'));
            foreach (var file in referenced)
            {
                pending.Push(file);
            }
        }

        return found;
    }
}

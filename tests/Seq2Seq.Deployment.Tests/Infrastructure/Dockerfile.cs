using System.Text.Json;
using System.Text.RegularExpressions;

namespace Seq2Seq.Deployment.Tests.Infrastructure;

/// <summary>One Dockerfile instruction, continuation lines joined.</summary>
public sealed record Instruction(string Keyword, string Arguments)
{
    /// <summary>The JSON array of an exec-form instruction (after any options such as HEALTHCHECK's).</summary>
    public IReadOnlyList<string>? ExecForm()
    {
        var start = Arguments.IndexOf('[');
        if (start < 0 || !Arguments.TrimEnd().EndsWith(']'))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<List<string>>(Arguments[start..]);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>KEY=value pairs of an ENV instruction (the form this repository uses).</summary>
    public IReadOnlyDictionary<string, string> EnvPairs() =>
        Regex.Matches(Arguments, @"(\S+?)=(\S+)").ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    /// <summary>Source paths and destination of a COPY without --from.</summary>
    public (IReadOnlyList<string> Sources, string Destination) CopyPaths()
    {
        var words = Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--")).ToList();
        return (words[..^1], words[^1]);
    }
}

public sealed record BuildStage(string BaseImage, string? Name, IReadOnlyList<Instruction> Instructions)
{
    public IEnumerable<Instruction> All(string keyword) =>
        Instructions.Where(i => i.Keyword.Equals(keyword, StringComparison.OrdinalIgnoreCase));

    public Instruction Only(string keyword) => All(keyword).Should().ContainSingle($"one {keyword} in stage {Name}").Subject;

    public IReadOnlyDictionary<string, string> Env =>
        All("ENV").SelectMany(i => i.EnvPairs()).ToDictionary(p => p.Key, p => p.Value);
}

public static class DockerfileParser
{
    public static IReadOnlyList<BuildStage> Stages(string relativePath)
    {
        var stages = new List<BuildStage>();
        foreach (var instruction in Instructions(Repo.Read(relativePath)))
        {
            if (instruction.Keyword == "FROM")
            {
                var words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var name = words.Length >= 3 && words[^2].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[^1] : null;
                stages.Add(new BuildStage(words[0], name, []));
            }
            else
            {
                var last = stages[^1];
                stages[^1] = last with { Instructions = [.. last.Instructions, instruction] };
            }
        }

        return stages;
    }

    private static IEnumerable<Instruction> Instructions(string text)
    {
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].Trim() + " ";
                continue;
            }

            var full = (pending + line).Trim();
            pending = "";
            if (full.Length == 0)
            {
                continue;
            }

            var space = full.IndexOf(' ');
            yield return new Instruction(full[..space].ToUpperInvariant(), full[(space + 1)..].Trim());
        }
    }
}

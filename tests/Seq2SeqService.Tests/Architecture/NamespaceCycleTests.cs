using System.Reflection;

namespace Seq2SeqService.Tests.Architecture;

/// <summary>
/// The rule of docs/architecture.md: no namespace of ours uses, directly or through others, a namespace that
/// uses it back. Checked over the service and every Seq2Seq.* assembly it loads.
/// </summary>
public sealed class NamespaceCycleTests
{
    private static readonly Assembly[] Ours = OurAssemblies().ToArray();

    private static IEnumerable<Assembly> OurAssemblies()
    {
        var seen = new Dictionary<string, Assembly>();
        var pending = new Queue<Assembly>([typeof(Program).Assembly]);
        while (pending.TryDequeue(out var assembly))
        {
            if (!seen.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => IsOurs(r.Name!)))
            {
                pending.Enqueue(Assembly.Load(reference));
            }
        }

        return seen.Values;
    }

    private static bool IsOurs(string name) => name.StartsWith("Seq2Seq", StringComparison.Ordinal);

    [Fact]
    public void The_service_and_the_libraries_it_loads_are_all_checked()
    {
        Ours.Select(a => a.GetName().Name).Should().Contain(["Seq2SeqService", "Seq2Seq.Inference", "Seq2Seq.Tokenizers"]);
    }

    [Fact]
    public void No_namespace_cycle()
    {
        var graph = new NamespaceGraph(Ours, IsOurs);

        var cycles = graph.Cycles().Select(cycle => string.Join("; ", cycle.SelectMany(from => cycle
            .Where(to => graph.Edges[from].ContainsKey(to))
            .Select(to => graph.Edges[from][to]))));
        cycles.Should().BeEmpty("a namespace may only use namespaces that do not use it back");
    }

    [Fact]
    public void The_reader_sees_uses_inside_method_bodies()
    {
        var graph = new NamespaceGraph(Ours, IsOurs);

        // The endpoint calls the translation service only inside its handler, and Hosting wires everything.
        graph.Edges["Seq2SeqService.Endpoints"].Should().ContainKey("Seq2SeqService.Application");
        graph.Edges["Seq2SeqService.Hosting"].Keys.Should().Contain(["Seq2SeqService.Scheduling", "Seq2SeqService.Queue"]);
    }

    [Fact]
    public void The_request_path_points_one_way()
    {
        var graph = new NamespaceGraph(Ours, IsOurs);
        string[] path =
        [
            "Seq2SeqService.Endpoints", "Seq2SeqService.Application", "Seq2SeqService.Queue", "Seq2SeqService.Scheduling",
        ];

        for (var i = 0; i < path.Length; i++)
        {
            foreach (var below in path.Skip(i + 1))
            {
                graph.Edges.GetValueOrDefault(below)?.Keys.Should().NotContain(path[i], $"{below} lies below {path[i]}");
            }
        }

        graph.Edges["Seq2SeqService.Scheduling"].Keys.Should().NotContain("Seq2SeqService.Catalog",
            "the scheduler reaches models through its own port");
    }
}

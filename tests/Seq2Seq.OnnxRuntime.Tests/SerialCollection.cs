namespace Seq2Seq.OnnxRuntime.Tests;

/// <summary>Tests that measure the whole process (threads, memory) run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class SerialCollection
{
    public const string Name = "Serial: process-wide measurements";
}

using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "engine")
{
    Seq2Seq.Benchmarks.Inference.EngineHarness.Run(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

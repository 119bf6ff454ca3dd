using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "engine")
{
    Seq2Seq.Benchmarks.Inference.EngineHarness.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "stepcost")
{
    Seq2Seq.Benchmarks.Inference.StepCostHarness.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "rowcost")
{
    Seq2Seq.Benchmarks.Inference.StepCostHarness.RowCost(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "flops")
{
    Seq2Seq.Benchmarks.Inference.FlopsHarness.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "profile")
{
    Seq2Seq.Benchmarks.Inference.ProfileHarness.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] is "translate" or "logits")
{
    Seq2Seq.Benchmarks.Inference.VariantHarness.Run(args[0], args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace Seq2Seq.Benchmarks.Inference;

/// <summary>
/// What the cores do on the model's own matrix shapes: a float32 ONNX graph Y = A·W (A [rows, d_model] fed per run,
/// W [d_model, FFN] and [d_model, vocabulary] random initializers ONNX Runtime prepacks, as it does the model's
/// weights), run through ONNX Runtime's CPU provider with the engine's intra-op thread count, the two shapes
/// alternating; with several lanes, each lane on its own thread with its own sessions, as the service's lanes run.
/// The graph is written here as protobuf bytes: no ONNX builder exists among the .NET packages we use,
/// and the five messages it needs are small.
/// </summary>
internal static class GemmReference
{
    /// <summary>GFLOP/s over both shapes and all lanes together (total FLOPs / wall time) after a warm-up, for about
    /// <paramref name="seconds"/>.</summary>
    public static double Measure(int rows, int dModel, int ffn, int vocabulary, int threads, double seconds, int lanes = 1)
    {
        var flops = new double[lanes];
        using var ready = new Barrier(lanes + 1);
        var workers = Enumerable.Range(0, lanes).Select(lane => new Thread(() => flops[lane] = Lane(rows, dModel, [ffn, vocabulary], threads, seconds, ready))).ToArray();
        Array.ForEach(workers, w => w.Start());
        ready.SignalAndWait();
        var started = Stopwatch.GetTimestamp();
        Array.ForEach(workers, w => w.Join());
        return flops.Sum() / Stopwatch.GetElapsedTime(started).TotalSeconds / 1e9;
    }

    private static double Lane(int rows, int dModel, int[] shapes, int threads, double seconds, Barrier ready)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        var sessions = shapes.Select(n => new InferenceSession(MatMulModel(dModel, n), options)).ToArray();
        try
        {
            var input = new float[rows * dModel];
            var random = new Random(1);
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (float)(random.NextDouble() - 0.5);
            }

            using var a = OrtValue.CreateTensorValueFromMemory(input, [rows, dModel]);
            using var run = new RunOptions();
            void RunBoth()
            {
                foreach (var session in sessions)
                {
                    using var outputs = session.Run(run, ["A"], [a], ["Y"]);
                }
            }

            RunBoth();
            ready.SignalAndWait();
            long rounds = 0;
            var started = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(started).TotalSeconds < seconds || rounds < 3)
            {
                RunBoth();
                rounds++;
            }

            return rounds * shapes.Sum(n => 2.0 * rows * dModel * n);
        }
        finally
        {
            foreach (var session in sessions)
            {
                session.Dispose();
            }
        }
    }

    public static string Describe(int rows, int dModel, int ffn, int vocabulary) => string.Create(CultureInfo.InvariantCulture,
        $"{rows}×{dModel}·{dModel}×{ffn} and {rows}×{dModel}·{dModel}×{vocabulary}");

    /// <summary>ModelProto (opset 13) of Y = MatMul(A, W): A [batch, k] a float input, W [k, n] a random initializer.</summary>
    private static byte[] MatMulModel(int k, int n)
    {
        var weights = new byte[(long)k * n * sizeof(float)];
        var random = new Random(2);
        for (var i = 0; i < k * n; i++)
        {
            BitConverter.TryWriteBytes(weights.AsSpan(i * sizeof(float)), (float)((random.NextDouble() - 0.5) * 0.1));
        }

        const int Float = 1;
        var tensor = Message(w => w.Packed(1, [k, n]).Int(2, Float).Text(8, "W").Bytes(9, weights));
        var node = Message(w => w.Text(1, "A").Text(1, "W").Text(2, "Y").Text(4, "MatMul"));
        byte[] Value(string name, object?[] dims) => Message(w => w.Text(1, name).Bytes(2, Message(t => t.Bytes(1, Message(tt =>
            tt.Int(1, Float).Bytes(2, Message(s =>
            {
                foreach (var dim in dims)
                {
                    s.Bytes(1, Message(d => _ = dim is int value ? d.Int(1, value) : d.Text(2, "batch")));
                }
            })))))));
        var graph = Message(w => w.Bytes(1, node).Text(2, "gemm").Bytes(5, tensor).Bytes(11, Value("A", [null, k])).Bytes(12, Value("Y", [null, n])));
        return Message(w => w.Int(1, 8).Bytes(7, graph).Bytes(8, Message(o => o.Text(1, "").Int(2, 13))));
    }

    private static byte[] Message(Action<ProtoWriter> write)
    {
        var writer = new ProtoWriter();
        write(writer);
        return writer.Stream.ToArray();
    }

    private sealed class ProtoWriter
    {
        public MemoryStream Stream { get; } = new();

        public ProtoWriter Int(int field, long value) => Tag(field, 0).Varint((ulong)value);

        public ProtoWriter Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public ProtoWriter Bytes(int field, byte[] value)
        {
            Tag(field, 2).Varint((ulong)value.Length);
            Stream.Write(value);
            return this;
        }

        public ProtoWriter Packed(int field, long[] values) =>
            Bytes(field, Message(w => Array.ForEach(values, v => w.Varint((ulong)v))));

        private ProtoWriter Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

        private ProtoWriter Varint(ulong value)
        {
            for (; value >= 0x80; value >>= 7)
            {
                Stream.WriteByte((byte)(value | 0x80));
            }

            Stream.WriteByte((byte)value);
            return this;
        }
    }
}

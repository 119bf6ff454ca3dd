using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Seq2Seq.Tokenizers;
using Seq2Seq.Tokenizers.HuggingFace;
using Seq2Seq.Tokenizers.Marian;
using Seq2Seq.Tokenizers.SentencePiece;

namespace Seq2Seq.Benchmarks.Tokenizers;

/// <summary>
/// Encode throughput over the parity fixture lines (tests/fixtures/spm/lines.txt, 2,804 lines); one operation
/// encodes every line once, so lines/s = 2,804 / mean. Compare with spm_encode on the same file (docs/performance.md).
/// On the shared machine the wall-clock mean mostly measures waiting for a core, so each case also prints the
/// process CPU time per pass at its end ("CPU per pass"), the figure to set beside spm_encode's user time.
/// Run: dotnet run -c Release --project tests/Seq2Seq.Benchmarks -- --filter '*EncodeBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class EncodeBenchmarks
{
    private readonly List<int> _ids = new(4096);
    private string[] _lines = [];
    private SentencePieceModel _unigram = null!;
    private SentencePieceModel _bpe = null!;
    private ITokenizer _marian = null!;
    private ITokenizer _tokenizerJson = null!;
    private TimeSpan _cpuAtStart;
    private long _passes;

    [GlobalSetup]
    public void Setup()
    {
        var root = RepositoryRoot();
        var fixtures = Path.Combine(root, "tests", "fixtures", "spm");
        var text = File.ReadAllText(Path.Combine(fixtures, "lines.txt"));
        _lines = text.Split('\n')[..^1];
        _unigram = SentencePieceModel.Load(Path.Combine(fixtures, "unigram.model"));
        _bpe = SentencePieceModel.Load(Path.Combine(fixtures, "bpe.model"));
        var bundle = Path.Combine(root, "models", "marian-tatoeba-en-fr");
        _marian = MarianTokenizer.Load(bundle);
        _tokenizerJson = TokenizerJson.Load(Path.Combine(bundle, "tokenizer.json"));
        _passes = 0;
        _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
    }

    [GlobalCleanup]
    public void ReportCpuTime()
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
        Console.WriteLine($"// CPU per pass: {cpu.TotalMilliseconds / _passes:F2} ms over {_passes} passes");
    }

    [Benchmark(Baseline = true, Description = "spm unigram, ids into a reused list")]
    public int UnigramIds() => EncodeIds(_unigram);

    [Benchmark(Description = "spm unigram, Encode(string) with pieces")]
    public int UnigramTokenizedText() => EncodeAll(_unigram.Encode);

    [Benchmark(Description = "spm BPE, ids into a reused list")]
    public int BpeIds() => EncodeIds(_bpe);

    [Benchmark(Description = "MarianTokenizer (shipped bundle)")]
    public int Marian() => EncodeAll(_marian.Encode);

    [Benchmark(Description = "tokenizer.json (shipped bundle)")]
    public int TokenizerJsonUnigram() => EncodeAll(_tokenizerJson.Encode);

    private int EncodeIds(SentencePieceModel model)
    {
        _passes++;
        var total = 0;
        foreach (var line in _lines)
        {
            _ids.Clear();
            model.Encode(line, _ids);
            total += _ids.Count;
        }

        return total;
    }

    private int EncodeAll(Func<string, TokenizedText> encode)
    {
        _passes++;
        var total = 0;
        foreach (var line in _lines)
        {
            total += encode(line).Ids.Length;
        }

        return total;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Seq2SeqService.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Run from inside the repository (no Seq2SeqService.sln above the binaries).");
    }
}

namespace Seq2Seq.OnnxRuntime;

/// <summary>ONNX Runtime's log severities (OrtLoggingLevel in the C API), least severe first.</summary>
public enum OrtLoggingLevel
{
    Verbose = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
    Fatal = 4,
}

namespace Seq2Seq.Inference.Bundles;

/// <summary>Which ONNX graphs of a bundle to run.</summary>
public enum ModelVariant
{
    /// <summary>The float graphs: encoder_model.onnx, decoder_model_merged.onnx, ...</summary>
    Fp32,

    /// <summary>The int8 graphs beside them: encoder_model_quantized.onnx, decoder_model_merged_quantized.onnx, ...</summary>
    Quantized,
}

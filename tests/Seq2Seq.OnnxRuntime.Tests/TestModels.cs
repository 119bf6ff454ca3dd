namespace Seq2Seq.OnnxRuntime.Tests;

/// <summary>Paths of the committed tiny models (see Models/make_models.py), copied next to the test assembly.</summary>
internal static class TestModels
{
    public static string MatMulAdd => PathOf("matmul_add.onnx");

    public static string GatherCast => PathOf("gather_cast.onnx");

    public static string BoolInt32 => PathOf("bool_int32.onnx");

    public static string Float16 => PathOf("float16.onnx");

    /// <summary>Y = X·W + B as the model's generator defines W and B, computed here independently.</summary>
    public static float[] ExpectedMatMulAdd(float[] x, int batch)
    {
        const int rows = 4, cols = 3;
        var y = new float[batch * cols];
        for (var b = 0; b < batch; b++)
        {
            for (var j = 0; j < cols; j++)
            {
                var sum = 0f;
                for (var i = 0; i < rows; i++)
                {
                    sum += x[b * rows + i] * (0.5f * (i - j) + 0.25f);
                }

                y[b * cols + j] = sum + (j - 1);
            }
        }

        return y;
    }

    private static string PathOf(string fileName) => Path.Combine(AppContext.BaseDirectory, "Models", fileName);
}

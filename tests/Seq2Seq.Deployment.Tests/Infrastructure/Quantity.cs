namespace Seq2Seq.Deployment.Tests.Infrastructure;

/// <summary>Kubernetes and Compose resource quantities: CPUs ("2", "500m") and bytes ("2Gi", "512M", "2G").</summary>
public static class Quantity
{
    public static double Cpus(string text) =>
        text.EndsWith('m') ? double.Parse(text[..^1]) / 1000 : double.Parse(text);

    public static long Bytes(string text)
    {
        string[] binary = ["Ki", "Mi", "Gi", "Ti"];
        string[] decimals = ["K", "M", "G", "T"];
        for (var i = 0; i < binary.Length; i++)
        {
            if (text.EndsWith(binary[i]))
            {
                return long.Parse(text[..^2]) << (10 * (i + 1));
            }

            if (text.EndsWith(decimals[i], StringComparison.OrdinalIgnoreCase))
            {
                return long.Parse(text[..^1]) * (long)Math.Pow(1000, i + 1);
            }
        }

        return long.Parse(text);
    }
}

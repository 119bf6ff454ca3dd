namespace Seq2SeqService.Metrics;

/// <summary>The queue gauge's source; the request queue implements it.</summary>
public interface IQueueDepth
{
    /// <summary>Jobs accepted and not yet started by any batch.</summary>
    int Waiting { get; }

    /// <summary>Jobs accepted and not yet finished (waiting or running).</summary>
    int Admitted { get; }

    /// <summary>Jobs accepted since start.</summary>
    long Accepted { get; }
}

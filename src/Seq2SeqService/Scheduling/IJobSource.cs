using System.Threading.Channels;

namespace Seq2SeqService.Scheduling;

/// <summary>Where the scheduler takes accepted jobs from; the request queue implements it.</summary>
public interface IJobSource
{
    ChannelReader<TranslationJob> Reader { get; }

    /// <summary>Stops admitting jobs; those already accepted stay readable for the drain.</summary>
    void Complete();
}

namespace Seq2SeqService.Application;

/// <summary>
/// Where a translation reports as it goes, for answers that stream: once when the request is accepted (queued),
/// then each sentence as soon as it and every earlier sentence of its text are translated. Called on the
/// scheduler's thread: an implementation must only hand the event on (e.g. to a channel), never block.
/// </summary>
public interface ITranslationProgress
{
    void Accepted();

    void Sentence(SentenceTranslated sentence);

    /// <summary>A sentence's translation grew, before the sentence is done (greedy, one sequence); on a lane's thread.</summary>
    void Text(TextTranslating text)
    {
    }
}

/// <summary>Text a sentence's translation grew by.</summary>
/// <param name="Text">The text's index in the request.</param>
/// <param name="Sentence">The sentence's index in its text.</param>
/// <param name="Appended">What was added, spaces included: a preview, which the sentence's own event then settles.</param>
public sealed record TextTranslating(int Text, int Sentence, string Appended);

/// <summary>One finished sentence of a text.</summary>
/// <param name="Text">The text's index in the request.</param>
/// <param name="Sentence">The sentence's index in its text.</param>
/// <param name="Sentences">How many sentences the text has.</param>
/// <param name="Source">The sentence as cut from the text.</param>
/// <param name="Before">The text's layout before the sentence (line breaks, spaces, list markers), verbatim.</param>
/// <param name="Translation">Its best translation.</param>
/// <param name="After">The text's layout after its last sentence; empty for the others.</param>
/// <param name="FinishReason">Whether it ended with end-of-sequence or at its length limit.</param>
/// <param name="OutputTokens">Tokens generated for it, end-of-sequence included.</param>
public sealed record SentenceTranslated(int Text, int Sentence, int Sentences, string Source, string Before,
    string Translation, string After, FinishReason FinishReason, int OutputTokens);

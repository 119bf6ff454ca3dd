using Seq2SeqService.Application;

namespace Seq2SeqService.Documents;

/// <summary>
/// A structured file (a zipped XML package, an HTML page) translated slot by slot. It is opened once to read what
/// is sent and again, from the same bytes, to write: the library's model of the file is never held between upload
/// and translation, so the marks that come back, which name the first reading's elements, are matched by position to
/// the second's. A slot's surrounding whitespace is kept as it is (the model drops it), and a slot without
/// letters or digits is not sent.
/// </summary>
internal sealed class SlotDocument : TranslatableDocument
{
    private readonly byte[] _file;
    private readonly Func<byte[], IOpenedFile> _open;
    private readonly List<Sent> _sent;

    public SlotDocument(byte[] file, Func<byte[], IOpenedFile> open)
    {
        _file = file;
        _open = open;
        using var opened = open(file);
        _sent = opened.Slots.Select((slot, i) => Send(slot, i)).OfType<Sent>().ToList();
    }

    public override IReadOnlyList<string> Paragraphs => _sent.Select(s => s.Text).ToList();

    public override IReadOnlyList<IReadOnlyList<TextMark>> Marks => _sent.Select(s => s.Marks).ToList();

    public override byte[] Write(IReadOnlyList<TranslationCandidate> translations)
    {
        using var opened = _open(_file);
        var slots = opened.Slots;
        for (var i = 0; i < _sent.Count; i++)
        {
            var (sent, slot, translation) = (_sent[i], slots[_sent[i].Slot], translations[i]);
            var reopened = new Dictionary<object, object>(ReferenceEqualityComparer.Instance);
            foreach (var (read, again) in sent.Read.Zip(slot.Marks))
            {
                reopened.TryAdd(read.Mark, again.Mark);
            }

            slot.Put(translation with
            {
                Text = sent.Lead + translation.Text + sent.Trail,
                Marks = translation.Marks.Where(m => reopened.ContainsKey(m.Mark))
                    .Select(m => m with { Start = m.Start + sent.Lead.Length, Mark = reopened[m.Mark] }).ToList(),
            });
        }

        return opened.Save();
    }

    private static Sent? Send(TextSlot slot, int index)
    {
        var core = slot.Text.Trim();
        if (!core.Any(char.IsLetterOrDigit))
        {
            return null;
        }

        var lead = slot.Text.Length - slot.Text.TrimStart().Length;
        var marks = new List<TextMark>();
        foreach (var mark in slot.Marks)
        {
            var start = Math.Clamp(mark.Start - lead, 0, core.Length);
            var end = Math.Clamp(mark.Start + mark.Length - lead, start, core.Length);

            // A point in the whitespace around the core is kept at the core's edge: it carries something to write.
            if (end > start || mark.Length == 0)
            {
                marks.Add(mark with { Start = start, Length = end - start });
            }
        }

        return new Sent(index, core, marks, slot.Text[..lead], slot.Text[(lead + core.Length)..], slot.Marks);
    }

    /// <summary>A slot that is sent: its core text and marks, the whitespace around them, and its marks as read.</summary>
    private sealed record Sent(int Slot, string Text, IReadOnlyList<TextMark> Marks, string Lead, string Trail, IReadOnlyList<TextMark> Read);
}

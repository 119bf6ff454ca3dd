using System.Text;
using AngleSharp.Html.Parser;
using Seq2SeqService.Application;
using Seq2SeqService.Html;
using Seq2SeqService.Options;

namespace Seq2SeqService.Documents;

/// <summary>
/// HTML (.html, .htm), cut as the text APIs cut HTML (<see cref="InlineMarkup"/>): each run of text and inline
/// elements between other tags is one paragraph, its inline elements marks; the <c>alt</c>, <c>title</c> and
/// <c>placeholder</c> attributes are translated too. Everything else is written back as it was read, character for
/// character: only the translated text (and those attributes' values) changes. AngleSharp, a browser's parser, only
/// tells which encoding the page is in; a page not in UTF-8 is written in UTF-8, its <c>&lt;meta charset&gt;</c> saying so.
/// </summary>
internal static class HtmlFormat
{
    private static readonly string[] TranslatedAttributes = ["alt", "title", "placeholder"];

    /// <exception cref="DocumentRejectedException">Binary data, which no HTML page holds.</exception>
    public static TranslatableDocument Read(byte[] file, DocumentOptions limits) =>
        file.AsSpan().IndexOf((byte)0) < 0
            ? new SlotDocument(file, Open)
            : throw new DocumentRejectedException("The file is not an HTML page: it holds binary data.");

    private static IOpenedFile Open(byte[] file)
    {
        string text;
        var page = new Page();
        using (var parsed = new HtmlParser().ParseDocument(new MemoryStream(file, writable: false)))
        {
            var utf8 = parsed.CharacterSet.Equals("utf-8", StringComparison.OrdinalIgnoreCase);

            // A byte-order mark decodes to U+FEFF, so it is written back where it was.
            text = utf8 ? Encoding.UTF8.GetString(file) : parsed.Source.Text;
            page.Blocks = InlineMarkup.Blocks(Markup.Split(text));
            if (!utf8)
            {
                foreach (var meta in page.StartTags().Where(t => t.StartsWith("<meta", StringComparison.OrdinalIgnoreCase)))
                {
                    if (TagAttributes.Of(meta).FirstOrDefault(a => a.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)) is { } charset)
                    {
                        page.Rewrite(meta, charset, "utf-8");
                    }
                }
            }
        }

        for (var i = 0; i < page.Blocks.Count; i++)
        {
            var (block, index) = (page.Blocks[i], i);
            if (block.Text is not null && OpaqueMarks.HasProse(block.Text, block.Marks, InlineMarkup.IsOpaque))
            {
                page.Slots.Add(new TextSlot(block.Text, block.Marks, translation => page.Translations[index] =
                    OpaqueMarks.Keep(translation, block.Text, block.Marks, InlineMarkup.IsOpaque)));
            }
        }

        foreach (var tag in page.StartTags().Where(t => !HtmlElements.IsNoTranslate(TagAttributes.Value(t, "translate"), TagAttributes.Value(t, "class"))))
        {
            foreach (var attribute in TagAttributes.Of(tag).Where(a => a.ValueLength > 0 &&
                         TranslatedAttributes.Contains(a.Name, StringComparer.OrdinalIgnoreCase)))
            {
                page.Slots.Add(TextSlot.Plain(TagAttributes.Value(tag, attribute), translated => page.Rewrite(tag, attribute, translated)));
            }
        }

        return page;
    }

    /// <summary>
    /// The page's blocks, their translations, and the tags written otherwise than read (translated attributes, the
    /// charset), each known by the very string it was read as: two tags written alike are still two tags.
    /// </summary>
    private sealed class Page : IOpenedFile
    {
        public IReadOnlyList<MarkupBlock> Blocks { get; set; } = [];

        public Dictionary<int, TranslationCandidate> Translations { get; } = [];

        private readonly Dictionary<string, List<(TagAttribute, string)>> _rewritten = new(ReferenceEqualityComparer.Instance);

        public List<TextSlot> Slots { get; } = [];

        IReadOnlyList<TextSlot> IOpenedFile.Slots => Slots;

        /// <summary>
        /// The start tags outside kept content: markup blocks of one tag, and the tags of the inline elements inside
        /// runs, but for those whose content is kept.
        /// </summary>
        public IEnumerable<string> StartTags() => Blocks
            .SelectMany(b => b.Text is null ? b.IsKept ? [] : [b.Raw]
                : b.Marks.Select(m => (InlineTags)m.Mark).Where(t => t.Kept is null).Select(t => t.Open))
            .Where(t => t.Length > 1 && char.IsAsciiLetter(t[1]));

        public void Rewrite(string tag, TagAttribute attribute, string value)
        {
            _rewritten.TryAdd(tag, []);
            _rewritten[tag].Add((attribute, value));
        }

        public byte[] Save()
        {
            var output = new StringBuilder();
            for (var i = 0; i < Blocks.Count; i++)
            {
                var block = Blocks[i];
                output.Append(Translations.TryGetValue(i, out var translation)
                    ? InlineMarkup.Render(translation.Text, translation.Marks, Written)
                    : block.Text is null && !block.IsKept ? Written(block.Raw) : block.Raw);
            }

            return Encoding.UTF8.GetBytes(output.ToString());
        }

        private string Written(string tag) => _rewritten.TryGetValue(tag, out var values) ? TagAttributes.With(tag, values) : tag;

        public void Dispose()
        {
        }
    }
}

extern alias OpenXml;

using OpenXml::DocumentFormat.OpenXml;
using OpenXml::DocumentFormat.OpenXml.Packaging;
using Seq2SeqService.Options;
using W = OpenXml::DocumentFormat.OpenXml.Wordprocessing;
using DocProperties = OpenXml::DocumentFormat.OpenXml.Drawing.Wordprocessing.DocProperties;

namespace Seq2SeqService.Documents;

/// <summary>
/// Word (.docx): the paragraphs of the body (headings, list items, table cells, text boxes), headers, footers,
/// footnotes, endnotes and comments, each whole; images' alt text and the document's title. Paragraph properties
/// (styles, numbering), images, bookmarks and fields are kept: a field's code and its shown result (a page number, a
/// table of contents) are never sent.
/// </summary>
internal static class WordFormat
{
    private static readonly RunShape Runs = RunShape.Of<W.Run, W.Text>(t => new W.Text(t) { Space = SpaceProcessingModeValues.Preserve });

    /// <summary>Word's runs, each inside a copy of its hyperlink when it had one.</summary>
    private static readonly RunShape Shape = Runs with
    {
        NewRun = (style, text) =>
        {
            var run = Runs.NewRun(style, text);
            if (style.Link is null)
            {
                return run;
            }

            var link = style.Link.CloneNode(false);
            link.Append(run);
            return link;
        },
    };

    public static Func<byte[], DocumentOptions, TranslatableDocument> Read { get; } =
        OfficeFile.Reader("docx", (stream, settings) => WordprocessingDocument.Open(stream, true, settings), Slots);

    private static List<TextSlot> Slots(WordprocessingDocument document)
    {
        var main = document.MainDocumentPart ?? throw new DocumentRejectedException("The file is not a Word document: it has no main document part.");
        OpenXmlElement?[] roots =
        [
            main.Document, .. main.HeaderParts.Select(h => h.Header), .. main.FooterParts.Select(f => f.Footer),
            main.FootnotesPart?.Footnotes, main.EndnotesPart?.Endnotes, main.WordprocessingCommentsPart?.Comments,
        ];
        var slots = new List<TextSlot>();
        foreach (var root in roots.OfType<OpenXmlElement>())
        {
            slots.AddRange(OfficeFile.Paragraphs<W.Paragraph>(root, TextRuns, Shape));
            slots.AddRange(OfficeFile.AltTexts(root.Descendants<DocProperties>()));
        }

        if (document.PackageProperties.Title is { Length: > 0 } title)
        {
            slots.Add(TextSlot.Plain(title, t => document.PackageProperties.Title = t));
        }

        return slots;
    }

    /// <summary>
    /// The runs of text that belong to <paramref name="paragraph"/> itself (not to a text box inside it), outside
    /// fields: between a field's begin and end marks, and inside a simple field, everything is kept.
    /// </summary>
    private static List<StyledRun> TextRuns(W.Paragraph paragraph)
    {
        var runs = new List<StyledRun>();
        var fieldDepth = 0;
        foreach (var run in paragraph.Descendants<W.Run>().Where(r => r.Ancestors<W.Paragraph>().First() == paragraph))
        {
            foreach (var mark in run.Elements<W.FieldChar>())
            {
                fieldDepth += mark.FieldCharType?.Value == W.FieldCharValues.Begin ? 1
                    : mark.FieldCharType?.Value == W.FieldCharValues.End ? -1 : 0;
            }

            var texts = run.Elements<W.Text>().ToList();
            if (fieldDepth > 0 || texts.Count == 0 || run.Ancestors<W.SimpleField>().Any())
            {
                continue;
            }

            var link = run.Ancestors<W.Hyperlink>().FirstOrDefault(h => h.Ancestors<W.Paragraph>().First() == paragraph);
            runs.Add(new StyledRun(run, string.Concat(texts.Select(t => t.Text)), new RunStyle(run.RunProperties, link)));
        }

        return runs;
    }
}

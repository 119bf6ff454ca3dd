extern alias OpenXml;

using OpenXml::DocumentFormat.OpenXml;
using OpenXml::DocumentFormat.OpenXml.Packaging;
using Seq2SeqService.Options;
using A = OpenXml::DocumentFormat.OpenXml.Drawing;
using P = OpenXml::DocumentFormat.OpenXml.Presentation;

namespace Seq2SeqService.Documents;

/// <summary>
/// PowerPoint (.pptx): the slides' text (titles, text boxes, tables, shapes), their notes and their drawings' alt
/// texts and titles, in slide order. Layouts and masters (their placeholder prompts), text fields (slide numbers, dates),
/// positions and styles are kept.
/// </summary>
internal static class PresentationFormat
{
    private static readonly RunShape Shape = RunShape.Of<A.Run, A.Text>(t => new A.Text(t));

    public static Func<byte[], DocumentOptions, TranslatableDocument> Read { get; } =
        OfficeFile.Reader("pptx", (stream, settings) => PresentationDocument.Open(stream, true, settings), Slots);

    private static List<TextSlot> Slots(PresentationDocument document)
    {
        var presentation = document.PresentationPart ?? throw new DocumentRejectedException("The file is not a PowerPoint presentation: it has no presentation part.");
        var slides = presentation.Presentation?.SlideIdList?.Elements<P.SlideId>()
            .Select(id => id.RelationshipId?.Value is { } rel ? presentation.GetPartById(rel) as SlidePart : null)
            .OfType<SlidePart>() ?? [];
        var slots = new List<TextSlot>();
        foreach (var slide in slides)
        {
            foreach (var root in new OpenXmlElement?[] { slide.Slide, slide.NotesSlidePart?.NotesSlide }.OfType<OpenXmlElement>())
            {
                slots.AddRange(OfficeFile.Paragraphs<A.Paragraph>(root, Runs, Shape));
                slots.AddRange(OfficeFile.AltTexts(root.Descendants<P.NonVisualDrawingProperties>()));
            }
        }

        return slots;
    }

    private static List<StyledRun> Runs(A.Paragraph paragraph) =>
        paragraph.Elements<A.Run>().Where(r => r.Text is not null)
            .Select(r => new StyledRun(r, r.Text!.Text, new RunStyle(r.RunProperties, null))).ToList();
}

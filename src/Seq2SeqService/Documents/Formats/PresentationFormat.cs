extern alias OpenXml;

using OpenXml::DocumentFormat.OpenXml;
using OpenXml::DocumentFormat.OpenXml.Packaging;
using Seq2SeqService.Options;
using P = OpenXml::DocumentFormat.OpenXml.Presentation;

namespace Seq2SeqService.Documents;

/// <summary>
/// PowerPoint (.pptx): the slides' text (titles, text boxes, tables, shapes), their notes and their drawings' alt
/// texts and titles, charts' titles and SmartArt, in slide order. Layouts and masters (their placeholder prompts), text fields (slide numbers, dates),
/// positions and styles are kept.
/// </summary>
internal static class PresentationFormat
{
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
                slots.AddRange(DrawingText.Paragraphs(root));
                slots.AddRange(OfficeFile.AltTexts(root.Descendants<P.NonVisualDrawingProperties>()));
            }

            slots.AddRange(DrawingText.Charts(slide.ChartParts));
            foreach (var smartArt in slide.DiagramDataParts)
            {
                slots.AddRange(DrawingText.Paragraphs(smartArt.DataModelRoot));
            }

            // PowerPoint shows SmartArt from this drawing of it, and rebuilds it from the data above when edited.
            foreach (var drawn in slide.DiagramPersistLayoutParts)
            {
                slots.AddRange(DrawingText.Paragraphs(drawn.Drawing));
            }
        }

        return slots;
    }
}

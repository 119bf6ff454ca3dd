extern alias OpenXml;

using OpenXml::DocumentFormat.OpenXml;
using OpenXml::DocumentFormat.OpenXml.Packaging;
using Seq2SeqService.Options;
using S = OpenXml::DocumentFormat.OpenXml.Spreadsheet;
using Xdr = OpenXml::DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace Seq2SeqService.Documents;

/// <summary>
/// Excel (.xlsx): every shared string and every inline string, rich text read whole with its runs' fonts as marks;
/// cells' comments, the text of shapes drawn on the sheets and their alt texts, charts' titles and axis titles.
/// Numbers, dates, formulas (and the strings they compute), sheet names and styles are kept.
/// </summary>
internal static class SpreadsheetFormat
{
    private static readonly RunShape Shape =
        RunShape.Of<S.Run, S.Text>(t => new S.Text(t) { Space = SpaceProcessingModeValues.Preserve });

    public static Func<byte[], DocumentOptions, TranslatableDocument> Read { get; } =
        OfficeFile.Reader("xlsx", (stream, settings) => SpreadsheetDocument.Open(stream, true, settings), Slots);

    private static List<TextSlot> Slots(SpreadsheetDocument document)
    {
        var workbook = document.WorkbookPart ?? throw new DocumentRejectedException("The file is not an Excel workbook: it has no workbook part.");
        var strings = workbook.SharedStringTablePart?.SharedStringTable?.Elements<S.SharedStringItem>() ?? [];
        var inline = workbook.WorksheetParts.SelectMany(w => w.Worksheet.Descendants<S.Cell>())
            .Where(c => c.DataType?.Value == S.CellValues.InlineString && c.InlineString is not null)
            .Select(c => c.InlineString!);
        var comments = workbook.WorksheetParts.SelectMany(w => w.WorksheetCommentsPart?.Comments?.Descendants<S.CommentText>() ?? []);
        var drawings = workbook.WorksheetParts.Select(w => w.DrawingsPart).OfType<DrawingsPart>().ToList();
        return
        [
            .. strings.Cast<S.RstType>().Concat(inline).Concat(comments).Select(Slot).OfType<TextSlot>(),
            .. drawings.SelectMany(d => DrawingText.Paragraphs(d.WorksheetDrawing)),
            .. drawings.SelectMany(d => OfficeFile.AltTexts(d.WorksheetDrawing?.Descendants<Xdr.NonVisualDrawingProperties>() ?? [])),
            .. DrawingText.Charts(drawings.SelectMany(d => d.ChartParts)),
        ];
    }

    /// <summary>A string item: plain (one <c>t</c>) or rich text (runs); its phonetic guides are kept.</summary>
    private static TextSlot? Slot(S.RstType item)
    {
        var runs = item.Elements<S.Run>().Where(r => r.Text is not null)
            .Select(r => new StyledRun(r, r.Text!.Text, new RunStyle(r.RunProperties, null))).ToList();
        if (runs.Count > 0)
        {
            return RunParagraph.Slot(item, runs, Shape);
        }

        return item.Text is { } text
            ? TextSlot.Plain(text.Text, t =>
            {
                text.Text = t;
                text.Space = SpaceProcessingModeValues.Preserve;
            })
            : null;
    }
}

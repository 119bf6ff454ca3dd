extern alias OpenXml;

using OpenXml::DocumentFormat.OpenXml;
using OpenXml::DocumentFormat.OpenXml.Packaging;
using A = OpenXml::DocumentFormat.OpenXml.Drawing;

namespace Seq2SeqService.Documents;

/// <summary>
/// DrawingML's text (<c>a:p</c> paragraphs of <c>a:r</c> runs), which PowerPoint's slides, charts in workbooks and
/// presentations, SmartArt and shapes drawn on a sheet all spell alike.
/// </summary>
internal static class DrawingText
{
    private static readonly RunShape Shape = RunShape.Of<A.Run, A.Text>(t => new A.Text(t));

    public static IEnumerable<TextSlot> Paragraphs(OpenXmlElement? root) => OfficeFile.Paragraphs<A.Paragraph>(root, Runs, Shape);

    /// <summary>The charts' titles and axis titles: their only paragraphs with runs (series names and labels are cell
    /// references, and their cached values follow the cells).</summary>
    public static IEnumerable<TextSlot> Charts(IEnumerable<ChartPart> charts) => charts.SelectMany(c => Paragraphs(c.ChartSpace));

    private static List<StyledRun> Runs(A.Paragraph paragraph) =>
        paragraph.Elements<A.Run>().Where(r => r.Text is not null)
            .Select(r => new StyledRun(r, r.Text!.Text, new RunStyle(r.RunProperties, null))).ToList();
}

extern alias OpenXml;

using OpenXml::DocumentFormat.OpenXml;
using Seq2SeqService.Application;

namespace Seq2SeqService.Documents;

/// <summary>
/// A run's formatting: its properties element and, in Word, the hyperlink around it. Two runs look alike when both
/// match, whatever revision ids they carry.
/// </summary>
internal sealed class RunStyle(OpenXmlElement? properties, OpenXmlElement? link)
{
    private readonly string _key = properties?.OuterXml ?? "";

    public OpenXmlElement? Properties => properties;

    public OpenXmlElement? Link => link;

    public bool SameAs(RunStyle other) => ReferenceEquals(link, other.Link) && _key == other._key;
}

/// <summary>A run of a paragraph: the element, its text, its formatting.</summary>
internal sealed record StyledRun(OpenXmlElement Run, string Text, RunStyle Style);

/// <summary>
/// Something without text among a paragraph's runs of text, carried as a point mark so that it is written beside the
/// words it stood by: an element of the paragraph's own (a footnote reference's run, a picture's, a field's, a
/// bookmark) or a child of a run of text other than its text (a tab, a break), then written in a run of its own styled
/// as <see cref="Owner"/>.
/// </summary>
internal sealed class Textless(OpenXmlElement element, StyledRun? owner)
{
    public OpenXmlElement Element => element;

    public StyledRun? Owner => owner;
}

/// <summary>
/// How one Office format spells a run: which of its children hold text, and how a new run with a style and a text is
/// made (in Word, inside a copy of its hyperlink).
/// </summary>
internal sealed record RunShape(Func<OpenXmlElement, bool> IsText, Func<RunStyle, string, OpenXmlElement> NewRun)
{
    /// <summary>Runs of <typeparamref name="TRun"/>: a copy of the style's properties, then one text element.</summary>
    public static RunShape Of<TRun, TText>(Func<string, TText> newText)
        where TRun : OpenXmlCompositeElement, new() where TText : OpenXmlElement =>
        new(e => e is TText, (style, text) =>
        {
            var run = new TRun();
            if (style.Properties is not null)
            {
                run.Append(style.Properties.CloneNode(true));
            }

            run.Append(newText(text));
            return run;
        });
}

/// <summary>
/// A paragraph made of runs, read as one text so that its sentences reach the model whole, never run by run. The
/// style with the most characters is the paragraph's base; each stretch of runs styled otherwise is a mark. The
/// translation is written as new runs: its marked ranges in their runs' styles, the rest in the base style, so
/// a translation that comes back without marks is one run of the base style. What has no text between the first run of
/// text and the last is a point mark (<see cref="Textless"/>), written where the translation's words put it; before the
/// first run or after the last, it stays there.
/// </summary>
internal static class RunParagraph
{
    public static TextSlot Slot(OpenXmlElement paragraph, IReadOnlyList<StyledRun> runs, RunShape shape)
    {
        var text = string.Concat(runs.Select(r => r.Text));
        var baseStyle = runs.Where(r => r.Text.Length > 0)
            .GroupBy(r => runs.First(o => o.Style.SameAs(r.Style)).Style)
            .MaxBy(g => g.Sum(r => r.Text.Length))?.Key ?? runs[0].Style;
        var marks = new List<TextMark>();
        var at = 0;
        foreach (var run in runs)
        {
            if (run.Text.Length > 0 && !run.Style.SameAs(baseStyle))
            {
                if (marks.Count > 0 && marks[^1].Start + marks[^1].Length == at && ((RunStyle)marks[^1].Mark).SameAs(run.Style))
                {
                    marks[^1] = marks[^1] with { Length = marks[^1].Length + run.Text.Length };
                }
                else
                {
                    marks.Add(new TextMark(at, run.Text.Length, run.Style));
                }
            }

            at += run.Text.Length;
        }

        marks.AddRange(Points(paragraph, runs, shape));
        return new TextSlot(text, marks, translation => Write(paragraph, runs, shape, baseStyle, translation));
    }

    /// <summary>A point mark at its offset for each thing without text inside the runs of text or between them.</summary>
    private static List<TextMark> Points(OpenXmlElement paragraph, IReadOnlyList<StyledRun> runs, RunShape shape)
    {
        var byTop = new Dictionary<OpenXmlElement, List<StyledRun>>(ReferenceEqualityComparer.Instance);
        foreach (var run in runs)
        {
            var top = TopOf(paragraph, run.Run);
            byTop.TryAdd(top, []);
            byTop[top].Add(run);
        }

        var points = new List<TextMark>();
        var (at, topsSeen) = (0, 0);
        foreach (var child in paragraph.ChildElements)
        {
            if (!byTop.TryGetValue(child, out var own))
            {
                if (topsSeen > 0 && topsSeen < byTop.Count)
                {
                    points.Add(new TextMark(at, 0, new Textless(child, null)));
                }

                continue;
            }

            topsSeen++;
            foreach (var run in own)
            {
                foreach (var part in run.Run.ChildElements)
                {
                    if (shape.IsText(part))
                    {
                        at += part.InnerText.Length;
                    }
                    else if (part != run.Style.Properties)
                    {
                        points.Add(new TextMark(at, 0, new Textless(part, run)));
                    }
                }
            }
        }

        return points;
    }

    private static OpenXmlElement TopOf(OpenXmlElement paragraph, OpenXmlElement element)
    {
        while (element.Parent != paragraph)
        {
            element = element.Parent!;
        }

        return element;
    }

    private static void Write(OpenXmlElement paragraph, IReadOnlyList<StyledRun> runs, RunShape shape, RunStyle baseStyle,
        TranslationCandidate translation)
    {
        var anchor = TopOf(paragraph, runs[0].Run);
        var points = translation.Marks.Where(m => m is { Length: 0, Mark: Textless }).OrderBy(m => m.Start).ToList();
        var (next, at) = (0, 0);
        foreach (var (style, piece) in MarkedPieces.Cut(translation.Text, translation.Marks, baseStyle, (a, b) => a.SameAs(b)))
        {
            for (; next < points.Count && points[next].Start <= at; next++)
            {
                paragraph.InsertBefore(Detached((Textless)points[next].Mark), anchor);
            }

            paragraph.InsertBefore(shape.NewRun(style, piece), anchor);
            at += piece.Length;
        }

        foreach (var point in points.Skip(next))
        {
            paragraph.InsertBefore(Detached((Textless)point.Mark), anchor);
        }

        foreach (var run in runs)
        {
            foreach (var text in run.Run.ChildElements.Where(shape.IsText).ToList())
            {
                text.Remove();
            }

            var emptied = run.Run;
            while (emptied != paragraph && emptied.ChildElements.All(c => c == run.Style.Properties))
            {
                var parent = emptied.Parent!;
                emptied.Remove();
                emptied = parent;
            }
        }
    }

    /// <summary>The point's element taken from where it was; a run's child inside a new run styled as that run.</summary>
    private static OpenXmlElement Detached(Textless point)
    {
        point.Element.Remove();
        if (point.Owner is null)
        {
            return point.Element;
        }

        var run = point.Owner.Run.CloneNode(false);
        if (point.Owner.Style.Properties is { } properties)
        {
            run.Append(properties.CloneNode(true));
        }

        run.Append(point.Element);
        return run;
    }
}

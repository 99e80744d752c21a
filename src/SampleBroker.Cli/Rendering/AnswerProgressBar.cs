using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SampleBroker.Cli.Rendering;

/// <summary>
/// A bar of biobanks answered out of contacted, with the count beside it. Spectre's own progress bar
/// only lives inside a Progress display, which cannot also hold the biobank table, so the live view
/// draws its own.
/// </summary>
internal sealed class AnswerProgressBar(int answered, int contacted) : IRenderable
{
    public const int MaxBarWidth = 40;

    public string Label => contacted == 0
        ? "no biobank contacted yet"
        : string.Create(CultureInfo.InvariantCulture, $"{answered}/{contacted} biobanks answered");

    public Measurement Measure(RenderOptions options, int maxWidth) => new(Math.Min(maxWidth, Label.Length), maxWidth);

    public IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
    {
        ArgumentNullException.ThrowIfNull(options);
        var width = Math.Min(MaxBarWidth, maxWidth - Label.Length - 1);
        if (width >= 5)
        {
            var filled = contacted == 0 ? 0 : (int)Math.Round(width * (double)Math.Clamp(answered, 0, contacted) / contacted);
            var glyph = options.Unicode ? '━' : '#';
            var rest = options.Unicode ? '━' : '-';
            yield return new Segment(new string(glyph, filled), new Style(answered >= contacted && contacted > 0 ? Color.Green : Color.Yellow));
            yield return new Segment(new string(rest, width - filled), new Style(Color.Grey));
            yield return new Segment(" ");
        }

        yield return new Segment(Label);
        yield return Segment.LineBreak;
    }
}

using System.Globalization;
using System.Security;
using System.Text;

namespace RnnGen.Plotting;

/// <summary>One line of a chart.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="X">X values.</param>
/// <param name="Y">Y values (NaN: no point).</param>
public sealed record SvgSeries(string Name, double[] X, double[] Y);

/// <summary>One panel: a title, axis labels and its lines.</summary>
/// <param name="Title">Panel title.</param>
/// <param name="XLabel">X axis label.</param>
/// <param name="YLabel">Y axis label.</param>
/// <param name="Series">The lines.</param>
public sealed record SvgPanel(string Title, string XLabel, string YLabel, IReadOnlyList<SvgSeries> Series);

/// <summary>Line charts as standalone SVG (no dependencies): axes with ticks, labels, a legend, one polyline per series.</summary>
public static class SvgLineChart
{
    private const int PanelWidth = 480, PanelHeight = 340, Left = 60, Right = 20, Top = 40, Bottom = 50;
    private static readonly string[] Colors = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd" };

    /// <summary>Renders panels side by side under a title.</summary>
    public static string Render(string title, params SvgPanel[] panels)
    {
        int width = PanelWidth * panels.Length, height = PanelHeight + 30;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<title>{Escape(title)}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");
        for (int p = 0; p < panels.Length; p++)
        {
            RenderPanel(sb, panels[p], p * PanelWidth, 30);
        }

        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>Writes <see cref="Render"/> to <paramref name="path"/> atomically (temporary file, then move).</summary>
    public static void SavePanels(string path, string title, params SvgPanel[] panels)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, Render(title, panels));
        File.Move(temp, full, overwrite: true);
    }

    private static void RenderPanel(StringBuilder sb, SvgPanel panel, int x0, int y0)
    {
        var points = panel.Series.SelectMany(s => s.X.Zip(s.Y)).Where(p => double.IsFinite(p.Second)).ToList();
        double xMin = points.Count == 0 ? 0 : points.Min(p => p.First), xMax = points.Count == 0 ? 1 : points.Max(p => p.First);
        double yMin = points.Count == 0 ? 0 : points.Min(p => p.Second), yMax = points.Count == 0 ? 1 : points.Max(p => p.Second);
        if (xMax == xMin) xMax = xMin + 1;
        if (yMax == yMin) { yMax += 0.5; yMin -= 0.5; }
        double pad = (yMax - yMin) * 0.05;
        yMin -= pad;
        yMax += pad;
        int plotW = PanelWidth - Left - Right, plotH = PanelHeight - Top - Bottom;
        double X(double v) => x0 + Left + (v - xMin) / (xMax - xMin) * plotW;
        double Y(double v) => y0 + Top + (1 - (v - yMin) / (yMax - yMin)) * plotH;

        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"panel\">\n<text x=\"{x0 + Left + plotW / 2}\" y=\"{y0 + 20}\" text-anchor=\"middle\" font-size=\"13\">{Escape(panel.Title)}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x0 + Left}\" y=\"{y0 + Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#333\"/>\n");
        // Whole-number x values (epochs) get whole-number ticks.
        bool integral = points.All(p => p.First == Math.Floor(p.First));
        double xStep = integral ? Math.Max(1, Math.Ceiling((xMax - xMin) / 5)) : (xMax - xMin) / 5;
        for (double xv = xMin; xv <= xMax + xStep * 1e-9; xv += xStep)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(xv):F1}\" y1=\"{y0 + Top + plotH}\" x2=\"{X(xv):F1}\" y2=\"{y0 + Top + plotH + 5}\" stroke=\"#333\"/><text x=\"{X(xv):F1}\" y=\"{y0 + Top + plotH + 18}\" text-anchor=\"middle\">{xv:0.##}</text>\n");
        }

        for (int t = 0; t <= 5; t++)
        {
            double yv = yMin + (yMax - yMin) * t / 5;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0 + Left - 5}\" y1=\"{Y(yv):F1}\" x2=\"{x0 + Left}\" y2=\"{Y(yv):F1}\" stroke=\"#333\"/><text x=\"{x0 + Left - 8}\" y=\"{Y(yv) + 4:F1}\" text-anchor=\"end\">{yv:0.###}</text>\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + Left + plotW / 2}\" y=\"{y0 + PanelHeight - 12}\" text-anchor=\"middle\">{Escape(panel.XLabel)}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate({x0 + 14},{y0 + Top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(panel.YLabel)}</text>\n");
        for (int s = 0; s < panel.Series.Count; s++)
        {
            SvgSeries series = panel.Series[s];
            string color = Colors[s % Colors.Length];
            var coords = series.X.Zip(series.Y).Where(p => double.IsFinite(p.Second)).Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.First):F1},{Y(p.Second):F1}"));
            sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(" ", coords)}\"><title>{Escape(series.Name)}</title></polyline>\n");
            int ly = y0 + Top + 14 + 16 * s;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0 + Left + plotW - 110}\" y1=\"{ly - 4}\" x2=\"{x0 + Left + plotW - 90}\" y2=\"{ly - 4}\" stroke=\"{color}\" stroke-width=\"2\"/><text x=\"{x0 + Left + plotW - 85}\" y=\"{ly}\">{Escape(series.Name)}</text>\n");
        }

        sb.Append("</g>\n");
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;
}

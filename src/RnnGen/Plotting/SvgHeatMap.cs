using System.Globalization;
using System.Security;
using System.Text;

namespace RnnGen.Plotting;

/// <summary>
/// A matrix as a standalone SVG heat map (no dependencies): one cell per value, white (0) to dark blue (the largest
/// value), row and column labels — for example the attention weights of a decoded sequence, outputs down, inputs across.
/// </summary>
public static class SvgHeatMap
{
    private const int Cell = 28, Left = 70, Top = 70;

    /// <summary>Renders <paramref name="values"/> <c>[rows, columns]</c> (row-major).</summary>
    public static string Render(string title, ReadOnlySpan<float> values, int rows, int columns, IReadOnlyList<string> columnLabels, IReadOnlyList<string> rowLabels)
    {
        if (rows < 1 || columns < 1 || values.Length != rows * columns)
        {
            throw new ArgumentException($"values: expected [rows, columns] = {rows}·{columns} = {rows * columns} elements but got {values.Length}.", nameof(values));
        }

        if (columnLabels.Count != columns || rowLabels.Count != rows)
        {
            throw new ArgumentException($"labels: expected {columns} column and {rows} row labels but got {columnLabels.Count} and {rowLabels.Count}.", nameof(columnLabels));
        }

        float max = 0;
        foreach (float v in values)
        {
            max = Math.Max(max, v);
        }

        int width = Left + columns * Cell + 20, height = Top + rows * Cell + 20;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<title>{Escape(title)}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");
        for (int c = 0; c < columns; c++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + c * Cell + Cell / 2}\" y=\"{Top - 8}\" text-anchor=\"middle\">{Escape(columnLabels[c])}</text>\n");
        }

        for (int r = 0; r < rows; r++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{Top + r * Cell + Cell / 2 + 4}\" text-anchor=\"end\">{Escape(rowLabels[r])}</text>\n");
            for (int c = 0; c < columns; c++)
            {
                float v = values[r * columns + c];
                double t = max > 0 ? Math.Clamp(v / max, 0, 1) : 0;
                int red = (int)Math.Round(255 - t * (255 - 8)), green = (int)Math.Round(255 - t * (255 - 48)), blue = (int)Math.Round(255 - t * (255 - 107));
                sb.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{Left + c * Cell}\" y=\"{Top + r * Cell}\" width=\"{Cell}\" height=\"{Cell}\" fill=\"rgb({red},{green},{blue})\" stroke=\"#ddd\"><title>{Escape(rowLabels[r])} / {Escape(columnLabels[c])}: {v.ToString("F3", CultureInfo.InvariantCulture)}</title></rect>\n");
            }
        }

        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>Writes <see cref="Render"/>'s SVG to <paramref name="path"/> atomically (a temporary file, then a move), creating the folder.</summary>
    public static void Save(string path, string title, ReadOnlySpan<float> values, int rows, int columns, IReadOnlyList<string> columnLabels, IReadOnlyList<string> rowLabels)
    {
        string svg = Render(title, values, rows, columns, columnLabels, rowLabels);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temporary, svg);
        File.Move(temporary, full, overwrite: true);
    }

    private static string Escape(string s) => SecurityElement.Escape(s) ?? string.Empty;
}

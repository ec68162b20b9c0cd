using System.Xml.Linq;
using RnnGen.Plotting;

namespace RnnGen.Tests.Plotting;

public sealed class SvgLineChartTests
{
    [Fact]
    public void The_chart_is_well_formed_SVG_with_one_line_per_series_and_whole_epoch_ticks()
    {
        double[] epochs = { 1, 2, 3, 4, 5 };
        string svg = SvgLineChart.Render("Curves & <more>",
            new SvgPanel("accuracy", "epoch", "accuracy", new[] { new SvgSeries("training", epochs, new[] { 0.5, 0.6, 0.7, 0.8, 0.9 }), new SvgSeries("validation", epochs, new[] { 0.5, 0.55, double.NaN, 0.6, 0.62 }) }),
            new SvgPanel("loss", "epoch", "loss", new[] { new SvgSeries("training", epochs, new[] { 1.0, 0.8, 0.6, 0.5, 0.4 }) }));

        XDocument document = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal("Curves & <more>", document.Root!.Element(ns + "title")!.Value);
        var lines = document.Descendants(ns + "polyline").ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal(4, lines[1].Attribute("points")!.Value.Split(' ').Length); // the NaN point is left out
        var tickLabels = document.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("3", tickLabels);
        Assert.DoesNotContain("1.8", tickLabels);
    }

    [Fact]
    public void A_history_plot_is_written_atomically()
    {
        string directory = Directory.CreateTempSubdirectory("rnngen-svg").FullName;
        try
        {
            var history = new RnnGen.Training.TrainingHistory("accuracy");
            string path = Path.Combine(directory, "sub", "curves.svg");
            history.SavePlot(path, "empty history");
            Assert.True(File.Exists(path));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
            XDocument.Parse(File.ReadAllText(path));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

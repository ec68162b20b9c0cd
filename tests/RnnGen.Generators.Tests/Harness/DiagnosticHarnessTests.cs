using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace RnnGen.Generators.Tests.Harness;

/// <summary>
/// Every diagnostic through Roslyn's standard analyzer harness: the ID at the marked location, its severity and its
/// message arguments, from the generator or the analyzer; the corrected declaration reports nothing and compiles.
/// </summary>
public sealed class DiagnosticHarnessTests
{
    /// <summary>The message arguments each case of <see cref="DiagnosticTests.Cases"/> reports (read and checked by hand once).</summary>
    internal static readonly Dictionary<string, object[]> Arguments = new()
    {
        { "RNN0001", new object[] { "M" } },
        { "RNN0002", new object[] { "Rnn", "RecurrentLayer" } },
        { "RNN0003", new object[] { "Rnn", "Lstm", "RnnGen.RecurrentLayer", "RnnGen.DenseLayer" } },
        { "RNN0004", new object[] { "Rnn", "Lstm", "Gru" } },
        { "RNN0006", new object[] { "M" } },
        { "RNN0007", new object[] { "units", "Rnn", "0", "16777216" } },
        { "RNN0008", new object[] { "M", "Rnn", "Lstm" } },
        { "RNN0009", new object[] { "M", "3", "E" } },
        { "RNN0010", new object[] { "E", "Rnn" } },
        { "RNN0011", new object[] { "Decoder", "128", "Encoder" } },
        { "RNN0012", new object[] { "Out", "Dense" } },
        { "RNN0013", new object[] { "Rnn", "Softmax" } },
        { "RNN0014", new object[] { "Out", "[Dense(3, Activation.Linear)]" } },
        { "RNN0015", new object[] { "Out", "[Dense(1, Activation.Tanh)]" } },
        { "RNN0016", new object[] { "Out" } },
        { "RNN0017", new object[] { "Rnn", "In" } },
        { "RNN0018", new object[] { "Summary" } },
        { "RNN0019", new object[] { "Hidden" } },
        { "RNN0021", new object[] { "Big", "M", "3,612,161,600", "2,147,483,591" } },
        { "RNN0022", new object[] { "M", "the encoder starts with 'Reader'; it must start with an [Embedding] of its tokens" } },
        { "RNN0023", new object[] { "Writer", "6", "Reader", "8" } },
        { "RNN0024", new object[] { "Attend", "Writer", "8", "Reader", "6" } },
        { "RNN0025", new object[] { "Out", "7", "Sounds", "9" } },
        { "RNN0026", new object[] { "Rnn", "a residual connection adds the layer's input (3 wide) to its output (4 wide); make them equal" } },
        { "RNN0027", new object[] { "Rnn", "the rate 1.5 is not a probability in [0, 1)" } },
        { "RNN0028", new object[] { "M", "it outputs one row per sequence; output recurrence needs an output at every step (ReturnSequences = true on the last recurrent layer)" } },
        { "RNN0032", new object[] { "Rnn", "the condition size is 0; expected 1 … 16777216 floats" } },
        { "RNN0033", new object[] { "Second", "only the first recurrent layer, 'First', can be conditioned" } },
        { "RNN0034", new object[] { "M", "Memory", "a model with OutputRecurrence" } },
        { "RNN0035", new object[] { "M", "it is not an encoder-decoder model (no [Encoder] and [Decoder] layers), so it has no context" } },
        { "RNN0005", new object[] { "Rnn", "Lstm", "Helper" } },
        { "RNN0020", new object[] { "M.Predict", "outputs", 3, "M", "batchSize·OutputSize = 2·2 = 4" } },
        { "RNN0029", new object[] { "Summary", "'Summary', a member RnnGen generates" } },
        { "RNN0030", new object[] { "M", "its constructor does not call this(seed) or this(seed, initializer), so it would leave the layers unset; add ': this(0)'" } },
        { "RNN0031", new object[] { "activation", "42", "Activation", "Linear, Tanh, Relu, Sigmoid, Softmax" } },
        { "RNN0036", new object[] { "Rnn", "4", "4", "3" } },
        { "RNN0037", new object[] { "Reader", "4", "it is an [Encoder] layer, and encoder-decoder models take no projection; remove ProjectionSize" } },
    };

    /// <summary>Cases that report a second diagnostic beside their own: its ID, where it starts and its arguments.</summary>
    private static readonly Dictionary<string, (string Id, string At, object[] Arguments)> AlsoReported = new()
    {
        // dot attention over 6-wide encoder outputs from an 8-wide decoder state: the states do not fit either
        { "RNN0024", ("RNN0023", "Gru(8)] public partial RecurrentLayer Writer", new object[] { "Writer", "8", "Reader", "6" }) },
    };

    private static DiagnosticDescriptor Descriptor(string id)
        => (DiagnosticDescriptor)typeof(DiagnosticDescriptors).GetFields()
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => f.GetValue(null)!)
            .Single(d => ((DiagnosticDescriptor)d).Id == id);

    [Fact]
    public void Every_case_has_its_arguments() => Assert.Equal(DiagnosticTests.Cases().Select(r => (string)r[0]).Order(), Arguments.Keys.Order());

    [Theory]
    [MemberData(nameof(DiagnosticTests.Cases), MemberType = typeof(DiagnosticTests))]
    public async Task The_invalid_declaration_reports_id_location_severity_and_arguments(string id, string invalid, string corrected)
    {
        _ = corrected;
        DiagnosticDescriptor descriptor = Descriptor(id);
        bool analyzers = new RnnModelAnalyzer().SupportedDiagnostics.Any(d => d.Id == id);
        var test = new RnnGenAnalyzerTest(analyzers ? GeneratorHarness.Marked(invalid).Source : null) { TestCode = RoslynHarness.Markup(invalid) };

        test.ExpectedDiagnostics.Add(new DiagnosticResult(descriptor).WithLocation(0).WithSeverity(descriptor.DefaultSeverity).WithArguments(Arguments[id]));
        if (AlsoReported.TryGetValue(id, out var also))
        {
            (string source, _) = GeneratorHarness.Marked(invalid);
            int offset = source.IndexOf(also.At, StringComparison.Ordinal);
            Assert.True(offset >= 0, also.At);
            int line = source[..offset].Count(c => c == '\n') + 1, column = offset - source.LastIndexOf('\n', offset - 1);
            DiagnosticDescriptor other = Descriptor(also.Id);
            test.ExpectedDiagnostics.Add(new DiagnosticResult(other).WithLocation(line, column).WithSeverity(other.DefaultSeverity).WithArguments(also.Arguments));
        }

        await test.RunAsync();
    }

    [Theory]
    [MemberData(nameof(DiagnosticTests.Cases), MemberType = typeof(DiagnosticTests))]
    public async Task The_corrected_declaration_reports_nothing(string id, string invalid, string corrected)
    {
        _ = (id, invalid); // that it also compiles clean with the generated code is DiagnosticTests' check
        await new RnnGenAnalyzerTest { TestCode = corrected }.RunAsync();
    }
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using RnnGen;

// The same workloads built against two trees (the build before the architecture move and the current one) and run
// alternately, so that "speed unchanged" is a comparison in one sitting. Usage: archbench [BenchmarkDotNet arguments].
var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(15))
    .WithOptions(ConfigOptions.DisableLogFile);
BenchmarkRunner.Run<Workloads>(config, args);

/// <summary>Training steps, inference and decoding of the models the kernels and the runtime cores serve.</summary>
[MemoryDiagnoser]
public class Workloads
{
    private const int B = 16, T = 50, I = 32;
    private readonly LstmTrain _lstm = new(); private readonly GruTrain _gru = new(); private readonly RnnTrain _rnn = new();
    private readonly PeepTrain _peep = new(); private readonly GruBeforeTrain _gruBefore = new();
    private readonly LstmStep _step = new(); private readonly GruStep _gruStep = new();
    private readonly Tagger _tagger = new(); private readonly Speller _speller = new(seed: 3);
    private LstmStep.State _stepState = null!; private GruStep.State _gruStepState = null!;
    private float[] _x = null!, _y = null!, _dy = null!, _sx = null!, _sy = null!, _tags = null!, _attention = null!;
    private int[] _words = null!, _source = null!, _decoded = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        float[] Fill(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(random.NextDouble() * 2 - 1); return a; }
        _x = Fill(B * T * I); _y = new float[B * T * 8]; _dy = Fill(B * T * 8);
        _sx = Fill(I); _sy = new float[8];
        _stepState = _step.CreateState(); _gruStepState = _gruStep.CreateState();
        _words = Enumerable.Range(0, B * 30).Select(i => random.Next(1000)).ToArray(); _tags = new float[B * 30 * 17];
        _source = new[] { 5, 9, 12, 3, 20, 7, 14, 8 }; _decoded = new int[12]; _attention = new float[12 * _source.Length];
    }

    [Benchmark] public void LstmTrain128() { _lstm.Forward(_x, B, T, _y); _lstm.Backward(_dy); }
    [Benchmark] public void PeepholeLstmTrain64() { _peep.Forward(_x, B, T, _y); _peep.Backward(_dy); }
    [Benchmark] public void GruTrain128() { _gru.Forward(_x, B, T, _y); _gru.Backward(_dy); }
    [Benchmark] public void GruResetBeforeTrain128() { _gruBefore.Forward(_x, B, T, _y); _gruBefore.Backward(_dy); }
    [Benchmark] public void SimpleRnnTrain128() { _rnn.Forward(_x, B, T, _y); _rnn.Backward(_dy); }
    [Benchmark] public void LstmPredict128() => _lstm.Predict(_x, B, T, _y);
    [Benchmark] public void LstmStep64() => _step.Step(_sx, _sy, _stepState);
    [Benchmark] public void GruStep64() => _gruStep.Step(_sx, _sy, _gruStepState);
    [Benchmark] public void BiLstmTaggerPredict() => _tagger.Predict(_words, B, 30, _tags);
    [Benchmark] public int SpellerDecode() => _speller.Decode(_source, _decoded, _attention);
    [Benchmark] public int SpellerDecodeBeam4() => _speller.DecodeBeam(_source, _decoded, 4, out _);
}

[RnnModel(InputSize = 32)]
public partial class LstmTrain
{
    [Lstm(128, ReturnSequences = true)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}

[RnnModel(InputSize = 32)]
public partial class PeepTrain
{
    [Lstm(64, ReturnSequences = true, Peepholes = true)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}

[RnnModel(InputSize = 32)]
public partial class GruTrain
{
    [Gru(128, ReturnSequences = true)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}

[RnnModel(InputSize = 32)]
public partial class GruBeforeTrain
{
    [Gru(128, ReturnSequences = true, ResetAfter = false)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}

[RnnModel(InputSize = 32)]
public partial class RnnTrain
{
    [SimpleRnn(128, ReturnSequences = true)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}

[RnnModel(InputSize = 32)]
public partial class LstmStep
{
    [Lstm(64)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}

[RnnModel(InputSize = 32)]
public partial class GruStep
{
    [Gru(64)] public partial RecurrentLayer R { get; }
    [Dense(8)] public partial DenseLayer D { get; }
}

/// <summary>A part-of-speech tagger's shape: word embeddings, a bidirectional LSTM, a softmax per step.</summary>
[RnnModel(Loss = Loss.CrossEntropy)]
public partial class Tagger
{
    [Embedding(1000, 32)] public partial EmbeddingLayer Words { get; }
    [Bidirectional, Lstm(64, ReturnSequences = true)] public partial RecurrentLayer Context { get; }
    [Dense(17, Activation.Softmax)] public partial DenseLayer Tag { get; }
}

/// <summary>The G2P sample's model.</summary>
[RnnModel(Loss = Loss.CrossEntropy, StartToken = 1, EndToken = 2)]
public partial class Speller
{
    [Encoder, Embedding(28, 32)] public partial EmbeddingLayer Spelling { get; }
    [Encoder, Bidirectional, Lstm(96, ReturnSequences = true)] public partial RecurrentLayer Reader { get; }
    [Decoder, Embedding(42, 32)] public partial EmbeddingLayer Sounds { get; }
    [Decoder, Lstm(192)] public partial RecurrentLayer Writer { get; }
    [Attention(AttentionScore.Additive, 64)] public partial AttentionLayer Attend { get; }
    [Dense(42, Activation.Softmax)] public partial DenseLayer Phoneme { get; }
}

using Xunit.Abstractions;
using RnnGen.Layers;
using RnnGen.Threading;

namespace RnnGen.Tests.Kernels;

// The W3 workload of the benchmark suite (input 32, LSTM 32, batch 32, 500 steps, every step's output).
[RnnModel(InputSize = 32)] public partial class DenormalW3Lstm { [Lstm(32, ReturnSequences = true)] public partial RecurrentLayer Rnn { get; } }

/// <summary>Tests that change the process-wide <see cref="Denormals.Flush"/> run alone, after every other test.</summary>
[CollectionDefinition(nameof(DenormalCollection), DisableParallelization = true)]
public sealed class DenormalCollection;

/// <summary>
/// Flush-to-zero in the kernels (<see cref="Denormals"/>): the W3 training workload leaves no subnormal number in any
/// gradient buffer, the kernels read subnormal inputs as zero, and the caller's floating-point mode is restored.
/// </summary>
[Collection(nameof(DenormalCollection))]
public sealed class DenormalTests(ITestOutputHelper output)
{
    private static bool IsSubnormal(float x) => x != 0 && float.IsSubnormal(x);

    /// <summary>
    /// W3's forward and backward pass with a loss on the last step only (many-to-one), so the gradient vanishes over the
    /// 500 steps back; returns the subnormal values in the parameter and input gradients.
    /// </summary>
    private static int SubnormalsAfterW3Training()
    {
        const int B = 32, T = 500;
        var model = new DenormalW3Lstm(seed: 1);
        var random = new Random(1);
        float[] inputs = Enumerable.Range(0, B * T * 32).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] outputs = new float[B * T * 32];
        float[] gradient = new float[outputs.Length];
        for (int b = 0; b < B; b++)
        {
            for (int j = 0; j < 32; j++)
            {
                gradient[(b * T + T - 1) * 32 + j] = (float)(random.NextDouble() * 2 - 1) / (B * 32);
            }
        }

        float[] inputGradient = new float[inputs.Length];
        model.Forward(inputs, B, T, outputs, default, null);
        model.Backward(gradient, null, inputGradient, null);
        return model.Gradients.ToArray().Count(IsSubnormal) + inputGradient.Count(IsSubnormal);
    }

    [Fact]
    public void W3_training_leaves_no_subnormal_gradient()
    {
        Assert.True(Denormals.Flush, "flushing is on by default");
        int flushed = SubnormalsAfterW3Training();
        Parallelism.Threads = 2; // the worker threads' shares run flushed too
        int flushedSplit;
        try
        {
            flushedSplit = SubnormalsAfterW3Training();
        }
        finally
        {
            Parallelism.Threads = 1;
        }

        Denormals.Flush = false;
        int ieee;
        try
        {
            ieee = SubnormalsAfterW3Training();
        }
        finally
        {
            Denormals.Flush = true;
        }

        output.WriteLine($"subnormal gradients after W3 training: {ieee} computed as IEEE 754 says, {flushed} flushed");
        Assert.True(ieee > 0, $"{ieee}: without flushing, W3's vanishing gradients pass through the subnormal range (the premise of the test)");
        Assert.True(flushed == 0 && flushedSplit == 0, $"{flushed} subnormal gradients with flushing on, {flushedSplit} on two threads ({ieee} without)");
    }

    [Fact]
    public void Kernels_read_subnormal_inputs_as_zero_and_give_the_caller_its_mode_back()
    {
        bool x64Desktop = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64
            && (OperatingSystem.IsLinux() || OperatingSystem.IsWindows());
        Assert.Equal(x64Desktop, Denormals.IsSupported);

        float[] x = { 1e-39f, 3f }, weight = { 1f, 0f }, bias = { 0f }, y = new float[1];
        Assert.True(float.IsSubnormal(x[0]));
        uint before = Denormals.IsSupported ? ControlRegister.Read() : 0;
        DenseKernel.Forward(1, 2, 1, Activation.Linear, x, 2, weight, bias, y);
        Assert.Equal(Denormals.IsSupported ? 0f : 1e-39f, y[0]);
        if (Denormals.IsSupported)
        {
            Assert.Equal(before, ControlRegister.Read());
            Assert.Equal(0u, before & ControlRegister.FlushBits); // .NET starts threads in IEEE mode; RnnGen left it so
        }

        Denormals.Flush = false;
        try
        {
            DenseKernel.Forward(1, 2, 1, Activation.Linear, x, 2, weight, bias, y);
            Assert.Equal(1e-39f, y[0]);
        }
        finally
        {
            Denormals.Flush = true;
        }
    }

    [Fact]
    public void A_caller_already_in_flush_mode_keeps_it()
    {
        if (!Denormals.IsSupported)
        {
            return; // no control register to set on this platform: the test above checks that this is an x64 Linux/Windows machine's only
        }

        uint before = ControlRegister.SetBits(ControlRegister.FlushBits);
        try
        {
            float[] x = { 1e-39f }, weight = { 1f }, bias = { 0f }, y = new float[1];
            DenseKernel.Forward(1, 1, 1, Activation.Linear, x, 1, weight, bias, y);
            Assert.Equal(0f, y[0]);
            Assert.Equal(ControlRegister.FlushBits, ControlRegister.Read() & ControlRegister.FlushBits);
        }
        finally
        {
            ControlRegister.Load(before);
        }
    }
}

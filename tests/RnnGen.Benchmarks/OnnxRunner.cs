using Microsoft.ML.OnnxRuntime;

namespace RnnGen.Benchmarks;

/// <summary>
/// One workload's ONNX file with its inputs and outputs allocated once. Batched workloads: x [B, T, I] → y ([B, T, O],
/// or the last state [1, B, O]). W1: x [1, 1, 1], h0 (, c0) [1, 1, H] → hn (, cn), the state carried from call to call
/// by alternating two I/O bindings over two state buffers (one is read while the other is written; ONNX Runtime may
/// not alias them).
/// </summary>
public sealed class OnnxRunner : IDisposable
{
    private readonly OnnxSession _session;
    private readonly OrtTensor _x;
    private readonly OrtTensor[] _tensors;
    private readonly OrtIoBinding _bindingA, _bindingB;
    /// <summary>W1: binding A reads h_a and writes h_b, binding B the reverse. Batched: both are y.</summary>
    private readonly float[] _hA, _hB;
    private bool _flipped;

    public OnnxRunner(OnnxWorkload workload)
    {
        Workload = workload;
        _session = new OnnxSession(workload.File + ".onnx");
        if (workload.Streaming)
        {
            long[] stateShape = { 1, 1, workload.Hidden };
            _x = new OrtTensor(1, 1, workload.InputSize);
            OrtTensor hA = new(stateShape), hB = new(stateShape), cA = new(stateShape), cB = new(stateShape);
            _hA = hA.Data;
            _hB = hB.Data;
            if (workload.HasCell)
            {
                _tensors = new[] { _x, hA, hB, cA, cB };
                string[] inputs = { "x", "h0", "c0" }, outputs = { "hn", "cn" };
                _bindingA = _session.Bind(inputs, new[] { _x.Value, hA.Value, cA.Value }, outputs, new[] { hB.Value, cB.Value });
                _bindingB = _session.Bind(inputs, new[] { _x.Value, hB.Value, cB.Value }, outputs, new[] { hA.Value, cA.Value });
            }
            else
            {
                _tensors = new[] { _x, hA, hB };
                string[] inputs = { "x", "h0" }, outputs = { "hn" };
                _bindingA = _session.Bind(inputs, new[] { _x.Value, hA.Value }, outputs, new[] { hB.Value });
                _bindingB = _session.Bind(inputs, new[] { _x.Value, hB.Value }, outputs, new[] { hA.Value });
            }
        }
        else
        {
            _x = new OrtTensor(workload.Batch, workload.Time, workload.InputSize);
            OrtTensor y = workload.SequenceOutput
                ? new OrtTensor(workload.Batch, workload.Time, workload.OutputSize)
                : new OrtTensor(1, workload.Batch, workload.OutputSize);
            _hA = _hB = y.Data;
            _tensors = new[] { _x, y };
            _bindingA = _bindingB = _session.Bind(new[] { "x" }, new[] { _x.Value }, new[] { "y" }, new[] { y.Value });
        }
    }

    public OnnxWorkload Workload { get; }

    /// <summary>The input of the next call, written in place.</summary>
    public float[] Input => _x.Data;

    /// <summary>The last call's output: y, or W1's new hidden state hn.</summary>
    public float[] Output => _flipped ? _hB : _hA;

    /// <summary>W1 (LSTM): the cell state after the last call, [1, 1, H].</summary>
    public float[] Cell => _tensors[_flipped ? 4 : 3].Data;

    /// <summary>One call: the whole batch, or one W1 step from the state the previous step left.</summary>
    public void Run()
    {
        _session.Run(_flipped ? _bindingB : _bindingA);
        _flipped = !_flipped;
    }

    public void Dispose()
    {
        _bindingA.Dispose();
        if (_bindingB != _bindingA)
        {
            _bindingB.Dispose();
        }

        foreach (OrtTensor tensor in _tensors)
        {
            tensor.Dispose();
        }

        _session.Dispose();
    }
}

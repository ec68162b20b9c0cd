using Microsoft.ML.OnnxRuntime;

namespace RnnGen.Benchmarks;

/// <summary>
/// One workload's ONNX file with its inputs and outputs allocated once. Batched workloads: x [B, T, I] → y ([B, T, O],
/// or the last state [1, B, O]). W1: x [1, 1, 1], h0 (, c0) [1, 1, H] → hn (, cn), the state carried from call to call
/// by alternating two state buffers (one is read while the other is written; ONNX Runtime may not alias them).
/// </summary>
public sealed class OnnxRunner : IDisposable
{
    private readonly OnnxSession _session;
    private readonly OrtTensor _x;
    private readonly OrtTensor[] _tensors;
    private readonly string[] _inputNames, _outputNames;
    private readonly OrtValue[] _inputsA, _outputsA, _inputsB, _outputsB;
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
                _inputNames = new[] { "x", "h0", "c0" };
                _outputNames = new[] { "hn", "cn" };
                _inputsA = new[] { _x.Value, hA.Value, cA.Value };
                _outputsA = new[] { hB.Value, cB.Value };
                _inputsB = new[] { _x.Value, hB.Value, cB.Value };
                _outputsB = new[] { hA.Value, cA.Value };
            }
            else
            {
                _tensors = new[] { _x, hA, hB };
                _inputNames = new[] { "x", "h0" };
                _outputNames = new[] { "hn" };
                _inputsA = new[] { _x.Value, hA.Value };
                _outputsA = new[] { hB.Value };
                _inputsB = new[] { _x.Value, hB.Value };
                _outputsB = new[] { hA.Value };
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
            _inputNames = new[] { "x" };
            _outputNames = new[] { "y" };
            _inputsA = _inputsB = new[] { _x.Value };
            _outputsA = _outputsB = new[] { y.Value };
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
        if (_flipped)
        {
            _session.Run(_inputNames, _inputsB, _outputNames, _outputsB);
        }
        else
        {
            _session.Run(_inputNames, _inputsA, _outputNames, _outputsA);
        }

        _flipped = !_flipped;
    }

    public void Dispose()
    {
        foreach (OrtTensor tensor in _tensors)
        {
            tensor.Dispose();
        }

        _session.Dispose();
    }
}

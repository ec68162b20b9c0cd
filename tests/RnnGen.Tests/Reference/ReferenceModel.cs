namespace RnnGen.Tests.Reference;

/// <summary>A layer as the float64 reference understands it (written from the equations, independently of the kernels).</summary>
public sealed record RefLayer(string Kind, string Name, int Units, Activation Activation = Activation.Tanh, bool Bidirectional = false,
    MergeMode Merge = MergeMode.Concat, bool ReturnSequences = false, bool Peepholes = false, bool ResetAfter = true, int Vocabulary = 0, bool Residual = false,
    int Projection = 0);

/// <summary>
/// A straightforward float64 implementation of RnnGen models: one sequence at a time at its own length, plain loops,
/// no matrix kernels. Parameters are read by name (PyTorch layout) from a dictionary.
/// </summary>
public sealed class ReferenceModel
{
    private readonly RefLayer[] _layers;

    public ReferenceModel(int inputSize, Loss loss, params RefLayer[] layers)
    {
        InputSize = inputSize;
        Loss = loss;
        _layers = layers;
    }

    public int InputSize { get; }
    public Loss Loss { get; }
    public bool OutputIsSequence
    {
        get
        {
            bool sequence = true;
            foreach (RefLayer l in _layers)
            {
                if (l.Kind is "SimpleRnn" or "Lstm" or "Gru") sequence = l.ReturnSequences;
            }

            return sequence;
        }
    }

    /// <summary>Output rows of one sequence: one per real step, or one; after the last layer's activation (logits when <paramref name="logits"/>).</summary>
    public List<double[]> Run(IReadOnlyDictionary<string, double[]> p, List<double[]> inputs, bool logits)
    {
        List<double[]> seq = inputs;
        for (int li = 0; li < _layers.Length; li++)
        {
            RefLayer layer = _layers[li];
            bool last = li == _layers.Length - 1;
            switch (layer.Kind)
            {
                case "Embedding":
                    seq = seq.Select(x => p[layer.Name + ".weight"].Skip((int)x[0] * layer.Units).Take(layer.Units).ToArray()).ToList();
                    break;
                case "Dense":
                    double[] w = p[layer.Name + ".weight"], bias = p[layer.Name + ".bias"];
                    seq = seq.Select(x =>
                    {
                        var z = new double[layer.Units];
                        for (int u = 0; u < layer.Units; u++)
                        {
                            z[u] = bias[u];
                            for (int k = 0; k < x.Length; k++) z[u] += w[u * x.Length + k] * x[k];
                        }

                        return last && logits ? z : Activate(layer.Activation, z);
                    }).ToList();
                    break;
                default:
                    List<double[]> layerInput = seq;
                    seq = Recurrent(p, layer, seq);
                    if (layer.Residual)
                    {
                        // y_t = h_t + x_t
                        seq = seq.Select((h, t) => h.Select((v, k) => v + layerInput[t][k]).ToArray()).ToList();
                    }

                    break;
            }
        }

        return seq;
    }

    private List<double[]> Recurrent(IReadOnlyDictionary<string, double[]> p, RefLayer layer, List<double[]> seq)
    {
        (List<double[]> fwd, double[] fwdFinal) = Direction(p, layer, seq, reverse: false);
        if (!layer.Bidirectional)
        {
            return layer.ReturnSequences ? fwd : new List<double[]> { fwdFinal };
        }

        (List<double[]> bwd, double[] bwdFinal) = Direction(p, layer, seq, reverse: true);
        return layer.ReturnSequences
            ? fwd.Select((h, t) => Merge(layer.Merge, h, bwd[t])).ToList()
            : new List<double[]> { Merge(layer.Merge, fwdFinal, bwdFinal) };
    }

    /// <summary>The model's mean loss over a batch (padded steps excluded), in float64.</summary>
    public double Loss64(IReadOnlyDictionary<string, double[]> p, List<List<double[]>> batchInputs, int[] classTargets, float[] targets, int[] lengths, int timeSteps)
    {
        double sum = 0, count = 0;
        for (int b = 0; b < batchInputs.Count; b++)
        {
            List<double[]> rows = Run(p, batchInputs[b], logits: true);
            for (int r = 0; r < rows.Count; r++)
            {
                int index = OutputIsSequence ? b * timeSteps + r : b;
                double[] z = rows[r];
                switch (Loss)
                {
                    case Loss.CrossEntropy:
                        double max = z.Max(), lse = Math.Log(z.Sum(v => Math.Exp(v - max))) + max;
                        sum += lse - z[classTargets[index]];
                        count++;
                        break;
                    case Loss.BinaryCrossEntropy:
                        for (int k = 0; k < z.Length; k++)
                        {
                            double y = targets[index * z.Length + k], s = 1 / (1 + Math.Exp(-z[k]));
                            sum += -(y * Math.Log(s) + (1 - y) * Math.Log(1 - s));
                            count++;
                        }

                        break;
                    default:
                        double[] yhat = Activate(_layers[^1].Kind == "Dense" ? _layers[^1].Activation : Activation.Linear, z);
                        for (int k = 0; k < z.Length; k++)
                        {
                            double d = yhat[k] - targets[index * z.Length + k];
                            sum += d * d;
                            count++;
                        }

                        break;
                }
            }
        }

        return sum / count;
    }

    private (List<double[]> Outputs, double[] Final) Direction(IReadOnlyDictionary<string, double[]> p, RefLayer layer, List<double[]> xs, bool reverse)
    {
        string suffix = reverse ? "_l0_reverse" : "_l0";
        double[] wih = p[layer.Name + ".weight_ih" + suffix], whh = p[layer.Name + ".weight_hh" + suffix], bih = p[layer.Name + ".bias_ih" + suffix];
        double[]? bhh = p.TryGetValue(layer.Name + ".bias_hh" + suffix, out double[]? v) ? v : null;
        double[]? peep = p.TryGetValue(layer.Name + ".weight_peephole" + suffix, out double[]? pp) ? pp : null;
        double[]? whr = p.TryGetValue(layer.Name + ".weight_hr" + suffix, out double[]? hr) ? hr : null;
        int H = layer.Units, I = xs[0].Length, T = xs.Count, P = layer.Projection;
        var h = new double[P > 0 ? P : H];
        var c = new double[H];
        var outputs = new double[T][];
        for (int s = 0; s < T; s++)
        {
            int t = reverse ? T - 1 - s : s;
            double[] x = xs[t];
            double In(int row) { double a = 0; for (int k = 0; k < I; k++) a += wih[row * I + k] * x[k]; return a; }
            double Rec(int row, double[] state) { double a = 0; for (int k = 0; k < state.Length; k++) a += whh[row * state.Length + k] * state[k]; return a; }
            var hNew = new double[H];
            switch (layer.Kind)
            {
                case "SimpleRnn":
                    for (int j = 0; j < H; j++) hNew[j] = Activate1(layer.Activation, In(j) + bih[j] + Rec(j, h));
                    break;
                case "Lstm":
                    var cNew = new double[H];
                    for (int j = 0; j < H; j++)
                    {
                        double i = Sigmoid(In(j) + bih[j] + Rec(j, h) + (peep is null ? 0 : peep[j] * c[j]));
                        double f = Sigmoid(In(H + j) + bih[H + j] + Rec(H + j, h) + (peep is null ? 0 : peep[H + j] * c[j]));
                        double g = Math.Tanh(In(2 * H + j) + bih[2 * H + j] + Rec(2 * H + j, h));
                        cNew[j] = f * c[j] + i * g;
                        double o = Sigmoid(In(3 * H + j) + bih[3 * H + j] + Rec(3 * H + j, h) + (peep is null ? 0 : peep[2 * H + j] * cNew[j]));
                        hNew[j] = o * Math.Tanh(cNew[j]);
                    }

                    c = cNew;
                    if (P > 0)
                    {
                        // projection: h = W_hr (o ⊙ tanh(c)), W_hr [P, H]
                        double[] m = hNew;
                        hNew = new double[P];
                        for (int q = 0; q < P; q++)
                        {
                            for (int j = 0; j < H; j++) hNew[q] += whr![q * H + j] * m[j];
                        }
                    }

                    break;
                default:
                    var r = new double[H];
                    var z = new double[H];
                    for (int j = 0; j < H; j++)
                    {
                        r[j] = Sigmoid(In(j) + bih[j] + Rec(j, h) + (bhh?[j] ?? 0));
                        z[j] = Sigmoid(In(H + j) + bih[H + j] + Rec(H + j, h) + (bhh?[H + j] ?? 0));
                    }

                    double[] rh = h.Select((hv, j) => r[j] * hv).ToArray();
                    for (int j = 0; j < H; j++)
                    {
                        double n = layer.ResetAfter
                            ? Math.Tanh(In(2 * H + j) + bih[2 * H + j] + r[j] * (Rec(2 * H + j, h) + bhh![2 * H + j]))
                            : Math.Tanh(In(2 * H + j) + bih[2 * H + j] + Rec(2 * H + j, rh));
                        hNew[j] = (1 - z[j]) * n + z[j] * h[j];
                    }

                    break;
            }

            h = hNew;
            outputs[t] = h;
        }

        return (outputs.ToList(), h);
    }

    private static double[] Merge(MergeMode mode, double[] a, double[] b) => mode switch
    {
        MergeMode.Concat => a.Concat(b).ToArray(),
        MergeMode.Sum => a.Zip(b, (x, y) => x + y).ToArray(),
        MergeMode.Average => a.Zip(b, (x, y) => (x + y) / 2).ToArray(),
        _ => a.Zip(b, (x, y) => x * y).ToArray(),
    };

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Activate1(Activation a, double x) => a switch
    {
        Activation.Tanh => Math.Tanh(x),
        Activation.Relu => Math.Max(0, x),
        Activation.Sigmoid => Sigmoid(x),
        _ => x,
    };

    public static double[] Activate(Activation a, double[] z)
    {
        if (a != Activation.Softmax) return z.Select(v => Activate1(a, v)).ToArray();
        double max = z.Max();
        double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}

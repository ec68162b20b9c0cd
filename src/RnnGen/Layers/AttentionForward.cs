using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Layers;

/// <summary>
/// Attention kernels (forward here, backward in <c>AttentionBackward.cs</c>): scores of a query against every encoder
/// output, a softmax masked to each sequence's length, and the weighted sum of the values.
/// </summary>
public static partial class AttentionKernel
{
    /// <summary>Floats of <see cref="AttentionStep.Cache"/>: additive keeps <c>u = tanh(W_q q + k_j)</c> <c>[B, S, Units]</c> and <c>W_q q</c> <c>[B, Units]</c>.</summary>
    public static int CacheSize(AttentionScore score, int batch, int source, int units)
        => score == AttentionScore.Additive ? checked(batch * source * units + batch * units) : 0;

    /// <summary><c>keys[rows, keySize] = values[rows, valueSize] · Wᵀ</c>, W <c>[keySize, valueSize]</c>: once per batch, hoisted out of the decoder loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ProjectKeys(int rows, int valueSize, int keySize, ReadOnlySpan<float> values, ReadOnlySpan<float> weight, Span<float> keys)
    {
        using DenormalScope fp = DenormalScope.Enter(); // subnormals read and written as zero for this call (Denormals.Flush)
        Gemm.MultiplyNT(rows, keySize, valueSize, values, valueSize, weight, valueSize, keys, keySize, accumulate: false);
    }

    /// <summary>Backward of <see cref="ProjectKeys"/>: <c>∂W += ∂keysᵀ · values</c>, <c>∂values += ∂keys · W</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ProjectKeysBackward(int rows, int valueSize, int keySize, ReadOnlySpan<float> values, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> dKeys, Span<float> dWeight, Span<float> dValues)
    {
        using DenormalScope fp = DenormalScope.Enter(); // subnormals read and written as zero for this call (Denormals.Flush)
        Gemm.MultiplyTN(keySize, valueSize, rows, dKeys, keySize, values, valueSize, dWeight, valueSize, accumulate: true);
        Gemm.MultiplyNN(rows, valueSize, keySize, dKeys, keySize, weight, valueSize, dValues, valueSize, accumulate: true);
    }

    /// <summary>Fills the weights α and the context of one decoder step (and the cache backward reads).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(in AttentionStep s)
    {
        using DenormalScope fp = DenormalScope.Enter(); // subnormals read and written as zero for this call (Denormals.Flush)
        int B = s.Batch, S = s.Source, A = s.Units, Dq = s.QuerySize, Dv = s.ValueSize;
        Span<float> projected = default;
        if (s.Score == AttentionScore.Additive)
        {
            // W_q q for every sequence at once: [B, A]
            projected = s.Cache.Slice(B * S * A, B * A);
            Gemm.MultiplyNT(B, A, Dq, s.Query, Dq, s.QueryWeight, Dq, projected, A, accumulate: false);
        }

        for (int b = 0; b < B; b++)
        {
            int length = s.Lengths.IsEmpty ? S : s.Lengths[b];
            Span<float> alpha = s.Weights.Slice(b * S, S);
            ReadOnlySpan<float> q = s.Query.Slice(b * Dq, Dq);

            // e_j = score(q, h_j) for the real steps
            for (int j = 0; j < length; j++)
            {
                int row = b * S + j;
                switch (s.Score)
                {
                    case AttentionScore.Additive:
                    {
                        Span<float> u = s.Cache.Slice(row * A, A);
                        TensorPrimitives.Add(projected.Slice(b * A, A), s.Keys.Slice(row * A, A), u);
                        TensorPrimitives.Tanh(u, u);
                        alpha[j] = TensorPrimitives.Dot(s.Energy, u);
                        break;
                    }

                    case AttentionScore.General:
                        alpha[j] = TensorPrimitives.Dot(q, s.Keys.Slice(row * Dq, Dq));
                        break;
                    default:
                        alpha[j] = TensorPrimitives.Dot(q, s.Values.Slice(row * Dv, Dv));
                        break;
                }
            }

            // α = softmax(e) over the real steps; padded steps get 0
            Activations.Softmax(alpha.Slice(0, length));
            alpha.Slice(length).Clear();

            // c = Σ_j α_j h_j
            Span<float> context = s.Context.Slice(b * Dv, Dv);
            context.Clear();
            for (int j = 0; j < length; j++)
            {
                TensorPrimitives.MultiplyAdd(s.Values.Slice((b * S + j) * Dv, Dv), alpha[j], context, context);
            }
        }
    }
}

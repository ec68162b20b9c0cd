using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Layers;

public static partial class AttentionKernel
{
    /// <summary>
    /// Backward of <see cref="Forward"/> for one decoder step, given ∂L/∂context:
    /// <c>∂α_j = ∂c · h_j</c>, <c>∂h_j += α_j ∂c</c>, <c>∂e_j = α_j (∂α_j − Σ_i α_i ∂α_i)</c> (softmax), then through the score:
    /// additive <c>∂u_j = ∂e_j v ⊙ (1 − u_j²)</c>, <c>∂v += Σ_j ∂e_j u_j</c>, <c>∂k_j += ∂u_j</c>, <c>∂(W_q q) = Σ_j ∂u_j</c>;
    /// general <c>∂q += Σ_j ∂e_j k_j</c>, <c>∂k_j += ∂e_j q</c>; dot <c>∂q += Σ_j ∂e_j h_j</c>, <c>∂h_j += ∂e_j q</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(in AttentionStep s, in AttentionStepGradients g)
    {
        using DenormalScope fp = DenormalScope.Enter(); // subnormals read and written as zero for this call (Denormals.Flush)
        int B = s.Batch, S = s.Source, A = s.Units, Dq = s.QuerySize, Dv = s.ValueSize;
        Span<float> dProjected = s.Score == AttentionScore.Additive ? g.Scratch.Slice(B * S, B * A) : default;
        dProjected.Clear();

        for (int b = 0; b < B; b++)
        {
            int length = s.Lengths.IsEmpty ? S : s.Lengths[b];
            ReadOnlySpan<float> alpha = s.Weights.Slice(b * S, S);
            ReadOnlySpan<float> dContext = g.Context.Slice(b * Dv, Dv);
            ReadOnlySpan<float> q = s.Query.Slice(b * Dq, Dq);
            Span<float> dScore = g.Scratch.Slice(b * S, S);

            // ∂α_j = ∂c · h_j and ∂h_j += α_j ∂c
            float weighted = 0;
            for (int j = 0; j < length; j++)
            {
                int row = b * S + j;
                ReadOnlySpan<float> h = s.Values.Slice(row * Dv, Dv);
                float dAlpha = TensorPrimitives.Dot(dContext, h);
                dScore[j] = dAlpha;
                weighted += alpha[j] * dAlpha;
                if (!g.Values.IsEmpty)
                {
                    Span<float> dh = g.Values.Slice(row * Dv, Dv);
                    TensorPrimitives.MultiplyAdd(dContext, alpha[j], dh, dh);
                }
            }

            // softmax backward: ∂e_j = α_j (∂α_j − Σ_i α_i ∂α_i)
            for (int j = 0; j < length; j++)
            {
                dScore[j] = alpha[j] * (dScore[j] - weighted);
            }

            Span<float> dq = g.Query.IsEmpty ? default : g.Query.Slice(b * Dq, Dq);
            for (int j = 0; j < length; j++)
            {
                int row = b * S + j;
                float de = dScore[j];
                switch (s.Score)
                {
                    case AttentionScore.Additive:
                    {
                        ReadOnlySpan<float> u = s.Cache.Slice(row * A, A);
                        if (!g.Energy.IsEmpty)
                        {
                            TensorPrimitives.MultiplyAdd(u, de, g.Energy, g.Energy);
                        }

                        // ∂u = ∂e v ⊙ (1 − u²), accumulated into ∂k_j and Σ_j into ∂(W_q q)
                        Span<float> dk = g.Keys.Slice(row * A, A);
                        Span<float> dp = dProjected.Slice(b * A, A);
                        for (int a = 0; a < A; a++)
                        {
                            float du = de * s.Energy[a] * (1f - u[a] * u[a]);
                            dk[a] += du;
                            dp[a] += du;
                        }

                        break;
                    }

                    case AttentionScore.General:
                    {
                        ReadOnlySpan<float> k = s.Keys.Slice(row * Dq, Dq);
                        if (!dq.IsEmpty)
                        {
                            TensorPrimitives.MultiplyAdd(k, de, dq, dq);
                        }

                        Span<float> dk = g.Keys.Slice(row * Dq, Dq);
                        TensorPrimitives.MultiplyAdd(q, de, dk, dk);
                        break;
                    }

                    default:
                    {
                        ReadOnlySpan<float> h = s.Values.Slice(row * Dv, Dv);
                        if (!dq.IsEmpty)
                        {
                            TensorPrimitives.MultiplyAdd(h, de, dq, dq);
                        }

                        if (!g.Values.IsEmpty)
                        {
                            Span<float> dh = g.Values.Slice(row * Dv, Dv);
                            TensorPrimitives.MultiplyAdd(q, de, dh, dh);
                        }

                        break;
                    }
                }
            }
        }

        if (s.Score == AttentionScore.Additive)
        {
            // p = q · W_qᵀ: ∂W_q += ∂pᵀ · q, ∂q += ∂p · W_q
            if (!g.QueryWeight.IsEmpty)
            {
                Gemm.MultiplyTN(A, Dq, B, dProjected, A, s.Query, Dq, g.QueryWeight, Dq, accumulate: true);
            }

            if (!g.Query.IsEmpty)
            {
                Gemm.MultiplyNN(B, Dq, A, dProjected, A, s.QueryWeight, Dq, g.Query, Dq, accumulate: true);
            }
        }
    }
}

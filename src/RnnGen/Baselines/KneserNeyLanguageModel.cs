namespace RnnGen.Baselines;

/// <summary>The discounting of <see cref="KneserNeyLanguageModel"/>.</summary>
public enum KneserNeyVariant
{
    /// <summary>Interpolated Kneser-Ney: one discount per order, D = n₁ / (n₁ + 2·n₂).</summary>
    Interpolated,

    /// <summary>
    /// Modified Kneser-Ney (Chen &amp; Goodman): three discounts per order, for n-grams seen once, twice and three or
    /// more times: Y = n₁ / (n₁ + 2·n₂), D(1) = 1 − 2Y·n₂/n₁, D(2) = 2 − 3Y·n₃/n₂, D(3+) = 3 − 4Y·n₄/n₃.
    /// </summary>
    Modified,
}

/// <summary>
/// An n-gram language model with interpolated Kneser-Ney smoothing (Chen &amp; Goodman 1998), plain (one absolute
/// discount per order) or modified (three per order), the count-based baseline a recurrent language model should beat.
/// </summary>
/// <remarks>
/// For a context h of k − 1 tokens and its shortening h′ (the first token dropped),
/// <code>P_k(w | h) = max(c_k(h w) − D_k, 0) / c_k(h •)  +  D_k · N_k(h •) / c_k(h •) · P_{k−1}(w | h′)</code>
/// (modified: D_k(c) by the count c of h w, and the back-off weight Σ_{j=1,2,3+} D_k(j)·N_kj(h •) / c_k(h •))
/// where c_n are the raw counts of the highest order n, c_k for k &lt; n are continuation counts (the number of
/// distinct tokens seen before h w), c_k(h •) = Σ_w c_k(h w), N_k(h •) the number of w with c_k(h w) &gt; 0, and
/// P_0(w) = 1 / V, uniform over the vocabulary. A context never seen at order k backs off entirely:
/// P_k(w | h) = P_{k−1}(w | h′). D_k = n₁ / (n₁ + 2·n₂) from the numbers n₁, n₂ of order-k n-grams with count 1 and 2
/// (0.5 when undefined), unless given; a modified discount that comes out outside (0, j] is replaced by the plain one.
/// Each P_k sums to 1 over the vocabulary for every context.
/// </remarks>
public sealed class KneserNeyLanguageModel
{
    private readonly Dictionary<UInt128, int>[] _counts;                        // per order k − 1: n-gram → c_k
    private readonly Dictionary<UInt128, ContextStats>[] _contexts;  // per order k − 1: context h → c_k(h •) and its types by count
    private readonly double[] _discounts;                           // [k − 1, j − 1]: D_k(j), j = 1, 2, 3+

    private record struct ContextStats(int Total, int Once, int Twice, int More);

    private KneserNeyLanguageModel(KneserNeyVariant variant, int order, int vocabularySize, Dictionary<UInt128, int>[] counts, Dictionary<UInt128, ContextStats>[] contexts, double[] discounts)
    {
        Variant = variant;
        Order = order;
        VocabularySize = vocabularySize;
        _counts = counts;
        _contexts = contexts;
        _discounts = discounts;
    }

    /// <summary>n, the longest n-gram (context of n − 1 tokens).</summary>
    public int Order { get; }

    /// <summary>V: tokens are ids 0…V − 1.</summary>
    public int VocabularySize { get; }

    /// <summary>Plain or modified Kneser-Ney.</summary>
    public KneserNeyVariant Variant { get; }

    /// <summary>The discount at order <paramref name="order"/> (1…n) of an n-gram seen <paramref name="count"/> times (≥ 1; the same for every count in the plain variant).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> is not in 1…n or <paramref name="count"/> is below 1.</exception>
    public double Discount(int order, int count)
    {
        if (order < 1 || order > Order) throw new ArgumentOutOfRangeException(nameof(order), order, $"order: expected 1…{Order} but got {order}.");
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"count: expected at least 1 but got {count}.");
        return _discounts[(order - 1) * 3 + Math.Min(count, 3) - 1];
    }

    /// <summary>
    /// Counts the n-grams of <paramref name="tokens"/> (one contiguous stream of ids below <paramref name="vocabularySize"/>)
    /// up to <paramref name="order"/>. <paramref name="discounts"/> replace the estimated ones: one per order 1…n in
    /// (0, 1] for the plain variant; three per order (D_k(1) in (0, 1], D_k(2) in (0, 2], D_k(3+) in (0, 3]), order by
    /// order, for the modified one.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">order or vocabularySize is below 1, (V + 1)ⁿ exceeds 2¹²⁸, a token is outside 0…V − 1, or a discount is outside its range.</exception>
    /// <exception cref="ArgumentException">The stream is empty, or the number of discounts does not fit the order and variant.</exception>
    public static KneserNeyLanguageModel Train(ReadOnlySpan<int> tokens, int order, int vocabularySize, IReadOnlyList<double>? discounts = null,
        KneserNeyVariant variant = KneserNeyVariant.Interpolated)
    {
        if (order < 1) throw new ArgumentOutOfRangeException(nameof(order), order, $"order: expected at least 1 but got {order}.");
        if (vocabularySize < 1) throw new ArgumentOutOfRangeException(nameof(vocabularySize), vocabularySize, $"vocabularySize: expected at least 1 but got {vocabularySize}.");
        if (order * Math.Log2(vocabularySize + 1.0) >= 128)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, $"order: expected (vocabularySize + 1)^order below 2^128 (vocabularySize = {vocabularySize}) but got order {order}.");
        }

        if (tokens.IsEmpty) throw new ArgumentException("tokens: expected at least one token but got 0.", nameof(tokens));
        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)vocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), tokens[i], $"tokens[{i}]: expected an id in 0…{vocabularySize - 1} but got {tokens[i]}.");
            }
        }

        int perOrder = variant == KneserNeyVariant.Modified ? 3 : 1;
        if (discounts is not null && discounts.Count != order * perOrder)
        {
            throw new ArgumentException($"discounts: expected {perOrder} per order, {order * perOrder} in all, but got {discounts.Count}.", nameof(discounts));
        }

        ulong radix = (ulong)vocabularySize + 1;
        var counts = new Dictionary<UInt128, int>[order];
        // highest order: raw counts of every n-gram of the stream
        counts[order - 1] = new Dictionary<UInt128, int>();
        for (int i = 0; i + order <= tokens.Length; i++)
        {
            UInt128 key = Key(tokens.Slice(i, order), radix);
            counts[order - 1][key] = counts[order - 1].GetValueOrDefault(key) + 1;
        }

        // lower orders: c_k(g) = number of distinct (k+1)-gram types x g, i.e. of distinct tokens seen before g
        for (int k = order - 1; k >= 1; k--)
        {
            var seen = new HashSet<UInt128>();
            var continuation = new Dictionary<UInt128, int>();
            for (int i = 0; i + k + 1 <= tokens.Length; i++)
            {
                if (seen.Add(Key(tokens.Slice(i, k + 1), radix)))
                {
                    UInt128 g = Key(tokens.Slice(i + 1, k), radix);
                    continuation[g] = continuation.GetValueOrDefault(g) + 1;
                }
            }

            counts[k - 1] = continuation;
        }

        var contexts = new Dictionary<UInt128, ContextStats>[order];
        var estimated = new double[order * 3];
        for (int k = 1; k <= order; k++)
        {
            var byContext = new Dictionary<UInt128, ContextStats>();
            var n = new int[5]; // n[j]: order-k n-grams with count j, j = 1…4
            foreach ((UInt128 key, int count) in counts[k - 1])
            {
                UInt128 context = key / radix; // drops the last token: the key is Σ (token + 1)·radix^(distance from the end)
                ContextStats s = byContext.GetValueOrDefault(context);
                byContext[context] = new ContextStats(s.Total + count, s.Once + (count == 1 ? 1 : 0), s.Twice + (count == 2 ? 1 : 0), s.More + (count >= 3 ? 1 : 0));
                if (count <= 4) n[count]++;
            }

            contexts[k - 1] = byContext;
            double y = n[1] > 0 && n[2] > 0 ? (double)n[1] / (n[1] + 2 * n[2]) : 0.5;
            for (int j = 1; j <= 3; j++)
            {
                // modified: D(j) = j − (j + 1)·Y·n_{j+1} / n_j, kept only where it lies in (0, j]
                double d = y;
                if (variant == KneserNeyVariant.Modified && n[j] > 0)
                {
                    double m = j - (j + 1) * y * n[j + 1] / n[j];
                    if (m > 0 && m <= j) d = m;
                }

                if (discounts is not null)
                {
                    int index = (k - 1) * perOrder + (perOrder == 3 ? j - 1 : 0);
                    d = discounts[index];
                    double limit = perOrder == 3 ? j : 1;
                    if (!(d > 0 && d <= limit))
                    {
                        throw new ArgumentOutOfRangeException(nameof(discounts), d, $"discounts[{index}]: expected a discount in (0, {limit}] but got {d}.");
                    }
                }

                estimated[(k - 1) * 3 + j - 1] = d;
            }
        }

        return new KneserNeyLanguageModel(variant, order, vocabularySize, counts, contexts, estimated);
    }

    /// <summary>ln P(<paramref name="next"/> | the last n − 1 tokens of <paramref name="context"/>); shorter contexts use the orders they allow.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A token is outside 0…V − 1.</exception>
    public double LogProbability(ReadOnlySpan<int> context, int next)
    {
        CheckToken(next, nameof(next));
        return Math.Log(Probability(Tail(context), next));
    }

    /// <summary>P(w | context) for every w of the vocabulary (sums to 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A context token is outside 0…V − 1.</exception>
    public double[] Distribution(ReadOnlySpan<int> context)
    {
        ReadOnlySpan<int> h = Tail(context);
        var p = new double[VocabularySize];
        for (int w = 0; w < p.Length; w++) p[w] = Probability(h, w);
        return p;
    }

    /// <summary>
    /// exp of the mean negative log-probability of every token of <paramref name="tokens"/> given the tokens before it
    /// in the same span (the first n − 1 tokens use the shorter contexts they have).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="tokens"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token is outside 0…V − 1.</exception>
    public double Perplexity(ReadOnlySpan<int> tokens) => Math.Exp(MeanNegativeLogProbability(tokens));

    /// <summary>Mean −log₂ P per token of <paramref name="tokens"/> (bits per character for a character model); see <see cref="Perplexity"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="tokens"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token is outside 0…V − 1.</exception>
    public double BitsPerToken(ReadOnlySpan<int> tokens) => MeanNegativeLogProbability(tokens) / Math.Log(2);

    private double MeanNegativeLogProbability(ReadOnlySpan<int> tokens)
    {
        if (tokens.IsEmpty) throw new ArgumentException("tokens: expected at least one token but got 0.", nameof(tokens));
        double sum = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            int start = Math.Max(0, i - (Order - 1));
            sum -= LogProbability(tokens[start..i], tokens[i]);
        }

        return sum / tokens.Length;
    }

    private ReadOnlySpan<int> Tail(ReadOnlySpan<int> context)
    {
        for (int i = 0; i < context.Length; i++) CheckToken(context[i], nameof(context));
        return context.Length > Order - 1 ? context[^(Order - 1)..] : context;
    }

    private void CheckToken(int token, string name)
    {
        if ((uint)token >= (uint)VocabularySize)
        {
            throw new ArgumentOutOfRangeException(name, token, $"{name}: expected a token id in 0…{VocabularySize - 1} but got {token}.");
        }
    }

    // P_m(w | h) with m = |h| + 1, built up from P_0 = 1/V through the orders 1…m (h's last k − 1 tokens at order k)
    private double Probability(ReadOnlySpan<int> h, int w)
    {
        ulong radix = (ulong)VocabularySize + 1;
        double p = 1.0 / VocabularySize;
        for (int k = 1; k <= h.Length + 1; k++)
        {
            ReadOnlySpan<int> context = h[(h.Length - (k - 1))..];
            UInt128 contextKey = Key(context, radix);
            if (!_contexts[k - 1].TryGetValue(contextKey, out ContextStats stats))
            {
                continue; // unseen context: P_k = P_{k−1}
            }

            ReadOnlySpan<double> d = _discounts.AsSpan((k - 1) * 3, 3);
            int c = _counts[k - 1].GetValueOrDefault(contextKey * radix + (UInt128)(w + 1));
            double discounted = c == 0 ? 0 : c - d[Math.Min(c, 3) - 1];
            double backOff = d[0] * stats.Once + d[1] * stats.Twice + d[2] * stats.More;
            p = (discounted + backOff * p) / stats.Total;
        }

        return p;
    }

    private static UInt128 Key(ReadOnlySpan<int> tokens, ulong radix)
    {
        UInt128 key = 0;
        foreach (int t in tokens) key = key * radix + (UInt128)(t + 1);
        return key;
    }
}

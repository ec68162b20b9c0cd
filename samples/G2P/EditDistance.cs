namespace G2P;

/// <summary>Levenshtein distance between two phoneme sequences (substitutions, insertions and deletions cost 1).</summary>
public static class EditDistance
{
    public static int Compute(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        Span<int> previous = stackalloc int[b.Length + 1], current = stackalloc int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            current.CopyTo(previous);
        }

        return previous[b.Length];
    }
}

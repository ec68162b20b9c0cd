namespace RnnGen.Seq2Seq;

/// <summary>What the seq2seq <c>Fit</c> checks of its data before the first update: at least one pair, every source and target token in its vocabulary.</summary>
internal static class Seq2SeqDataValidation
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the pair, the side and the position of the first bad token.</summary>
    public static void Check(IEncoderDecoderModel model, Seq2SeqDataSet data, string name)
    {
        if (data.Count == 0)
        {
            throw new ArgumentException($"{name}: expected at least one source-target pair but the data set is empty.", name);
        }

        for (int i = 0; i < data.Count; i++)
        {
            CheckTokens(data.Source(i), model.SourceVocabularySize, i, "Source", name);
            CheckTokens(data.Target(i), model.TargetVocabularySize, i, "Target", name);
        }
    }

    private static void CheckTokens(ReadOnlySpan<int> tokens, int vocabulary, int pair, string side, string name)
    {
        for (int j = 0; j < tokens.Length; j++)
        {
            if ((uint)tokens[j] >= (uint)vocabulary)
            {
                throw new ArgumentException($"{name}[{pair}].{side}[{j}]: expected a token id in 0…{vocabulary - 1} but got {tokens[j]}.", name);
            }
        }
    }
}

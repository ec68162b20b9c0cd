namespace RnnGen.Data;

/// <summary>
/// The fixed ids of the special tokens shared by <see cref="CharacterVocabulary"/> and <see cref="WordVocabulary"/>:
/// 0 padding, 1 unknown, 2 start of sequence, 3 end of sequence; ordinary tokens start at <see cref="Count"/>.
/// Padding is 0 as in <see cref="Vocabulary.Padding"/>, so padded id batches mean the same to every vocabulary.
/// </summary>
public static class SpecialTokens
{
    /// <summary>Padding (id 0): fills batches after a sequence's end; decoded as nothing.</summary>
    public const int Padding = 0;

    /// <summary>Unknown (id 1): a token not seen in the training text.</summary>
    public const int Unknown = 1;

    /// <summary>Start of sequence (id 2).</summary>
    public const int Start = 2;

    /// <summary>End of sequence (id 3).</summary>
    public const int End = 3;

    /// <summary>Number of special ids; the first ordinary token has this id.</summary>
    public const int Count = 4;

    /// <summary>Whether <paramref name="id"/> is one of the special ids.</summary>
    public static bool IsSpecial(int id) => (uint)id < Count;
}

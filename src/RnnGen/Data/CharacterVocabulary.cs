using System.Text;

namespace RnnGen.Data;

/// <summary>
/// A character → id map built from training text: the <see cref="SpecialTokens"/> ids 0…3, then every distinct UTF-16
/// character of the text in ordinal order (so the ids depend only on the set of characters, never on their order or
/// counts). Characters outside the training text encode as <see cref="SpecialTokens.Unknown"/>.
/// </summary>
public sealed class CharacterVocabulary
{
    private readonly char[] _characters; // id − SpecialTokens.Count → character
    private readonly Dictionary<char, int> _ids;

    private CharacterVocabulary(char[] characters)
    {
        _characters = characters;
        _ids = new Dictionary<char, int>(characters.Length);
        for (int i = 0; i < characters.Length; i++)
        {
            _ids[characters[i]] = i + SpecialTokens.Count;
        }
    }

    /// <summary>Number of ids, the four special ids included (the embedding's and the softmax's size).</summary>
    public int Size => _characters.Length + SpecialTokens.Count;

    /// <summary>Number of distinct characters of the training text.</summary>
    public int CharacterCount => _characters.Length;

    /// <summary>Builds the vocabulary of the distinct characters of <paramref name="trainingText"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="trainingText"/> is null.</exception>
    public static CharacterVocabulary Build(string trainingText)
    {
        ArgumentNullException.ThrowIfNull(trainingText);
        char[] distinct = trainingText.Distinct().ToArray();
        Array.Sort(distinct);
        return new CharacterVocabulary(distinct);
    }

    /// <summary>The id of <paramref name="character"/> (<see cref="SpecialTokens.Unknown"/> when not in the training text).</summary>
    public int this[char character] => _ids.TryGetValue(character, out int id) ? id : SpecialTokens.Unknown;

    /// <summary>Whether <paramref name="character"/> occurs in the training text.</summary>
    public bool Contains(char character) => _ids.ContainsKey(character);

    /// <summary>The character of an ordinary id.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is special or not below <see cref="Size"/>.</exception>
    public char CharacterOf(int id)
    {
        if (id < SpecialTokens.Count || id >= Size)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"id: expected a character id in {SpecialTokens.Count}…{Size - 1} but got {id}.");
        }

        return _characters[id - SpecialTokens.Count];
    }

    /// <summary>The ids of the characters of <paramref name="text"/>, optionally framed by start and end ids.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public int[] Encode(string text, bool addStartAndEnd = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        int offset = addStartAndEnd ? 1 : 0;
        var ids = new int[text.Length + 2 * offset];
        for (int i = 0; i < text.Length; i++)
        {
            ids[i + offset] = this[text[i]];
        }

        if (addStartAndEnd)
        {
            ids[0] = SpecialTokens.Start;
            ids[^1] = SpecialTokens.End;
        }

        return ids;
    }

    /// <summary>
    /// The text of <paramref name="ids"/>: padding, start and end ids write nothing, the unknown id writes
    /// <paramref name="unknown"/> (U+FFFD by default).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below <see cref="Size"/>.</exception>
    public string Decode(ReadOnlySpan<int> ids, char unknown = '\uFFFD')
    {
        var text = new StringBuilder(ids.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)Size)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"ids[{i}]: expected an id in 0…{Size - 1} but got {id}.");
            }

            if (id == SpecialTokens.Unknown)
            {
                text.Append(unknown);
            }
            else if (id >= SpecialTokens.Count)
            {
                text.Append(_characters[id - SpecialTokens.Count]);
            }
        }

        return text.ToString();
    }
}

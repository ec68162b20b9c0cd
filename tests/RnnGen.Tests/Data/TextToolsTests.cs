using RnnGen.Data;

namespace RnnGen.Tests.Data;

public sealed class TextToolsTests
{
    [Fact]
    public void Character_vocabulary_has_ordinal_ids_after_the_special_tokens()
    {
        var vocabulary = CharacterVocabulary.Build("ba ab!");
        // distinct characters in ordinal order: ' ' (32), '!' (33), 'a', 'b' → ids 4, 5, 6, 7
        Assert.Equal(8, vocabulary.Size);
        Assert.Equal(4, vocabulary[' ']);
        Assert.Equal(5, vocabulary['!']);
        Assert.Equal(6, vocabulary['a']);
        Assert.Equal(7, vocabulary['b']);
        Assert.Equal(SpecialTokens.Unknown, vocabulary['z']);
        // the same characters in another order and with other counts give the same ids
        Assert.Equal(vocabulary.Encode("ab! "), CharacterVocabulary.Build("!!ab  bbba").Encode("ab! "));
        Assert.Equal(new[] { 6, 7, 1, 5 }, vocabulary.Encode("abz!"));
        Assert.Equal(new[] { 2, 6, 3 }, vocabulary.Encode("a", addStartAndEnd: true));
    }

    [Fact]
    public void Character_decode_inverts_encode_and_skips_padding_start_and_end()
    {
        const string text = "Call me Ishmael. Some years ago—never mind how long";
        var vocabulary = CharacterVocabulary.Build(text);
        Assert.Equal(text, vocabulary.Decode(vocabulary.Encode(text)));
        Assert.Equal(text, vocabulary.Decode(vocabulary.Encode(text, addStartAndEnd: true).Concat(new[] { 0, 0 }).ToArray()));
        Assert.Equal("C?ll", vocabulary.Decode(vocabulary.Encode("Cxll"), unknown: '?'));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode(new[] { 4, vocabulary.Size }));
        Assert.Equal("ids", e.ParamName);
        Assert.Contains($"got {vocabulary.Size}", e.Message);
        Assert.Equal("id", Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.CharacterOf(SpecialTokens.End)).ParamName);
    }

    [Fact]
    public void Word_tokenizer_keeps_case_and_punctuation_by_choice()
    {
        const string text = "Don't call me Ishmael, sperm-whale! (1851)";
        Assert.Equal(new[] { "Don't", "call", "me", "Ishmael", ",", "sperm-whale", "!", "(", "1851", ")" }, new WordTokenizer().Tokenize(text));
        Assert.Equal(new[] { "don't", "call", "me", "ishmael", "sperm-whale", "1851" },
            new WordTokenizer(new WordTokenizerOptions { LowerCase = true, KeepPunctuation = false }).Tokenize(text));
        // a trailing or leading joiner is punctuation, not part of the word
        Assert.Equal(new[] { "whales", "'", "-", "x" }, new WordTokenizer().Tokenize("whales' -x"));
        // the existing tokenizer is unchanged: lower case, no punctuation
        Assert.Equal(new[] { "don't", "call", "me", "ishmael", "sperm", "whale", "1851" }, Tokenizer.Words(text));
    }

    [Fact]
    public void Word_vocabulary_orders_by_count_then_ordinal_and_round_trips()
    {
        var tokenizer = new WordTokenizer();
        string[][] documents = { tokenizer.Tokenize("The whale. The Whale!"), tokenizer.Tokenize("the whale") };
        // counts: whale 2, The 2, . 1, ! 1, Whale 1, the 1 → ids 4: The, 5: whale, then ! . Whale the (ordinal)
        var vocabulary = WordVocabulary.Build(documents, maxSize: 8);
        Assert.Equal(8, vocabulary.Size);
        Assert.Equal(4, vocabulary["The"]);
        Assert.Equal(5, vocabulary["whale"]);
        Assert.Equal(6, vocabulary["!"]);
        Assert.Equal(7, vocabulary["."]);
        Assert.Equal(SpecialTokens.Unknown, vocabulary["Whale"]);
        int[] ids = vocabulary.Encode(tokenizer.Tokenize("The whale swam."), addStartAndEnd: true);
        Assert.Equal(new[] { 2, 4, 5, 1, 7, 3 }, ids);
        Assert.Equal(new[] { "The", "whale", "<unk>", "." }, vocabulary.Decode(ids));
        Assert.Equal(new[] { "The", "whale" }, WordVocabulary.Build(documents, 100, minCount: 2).Decode(new[] { 4, 5 }));
        Assert.Equal("maxSize", Assert.Throws<ArgumentOutOfRangeException>(() => WordVocabulary.Build(documents, 4)).ParamName);
    }

    [Fact]
    public void Per_step_targets_pad_with_the_padding_value()
    {
        (int[] ids, int[] lengths) = TargetPadding.PadTargets(new[] { new[] { 5, 6, 7 }, new[] { 8 }, new[] { 1, 2, 3, 4, 5 } }, 4, paddingValue: -1);
        Assert.Equal(new[] { 5, 6, 7, -1, 8, -1, -1, -1, 1, 2, 3, 4 }, ids);
        Assert.Equal(new[] { 3, 1, 4 }, lengths);
        (float[] values, int[] floatLengths) = TargetPadding.PadTargets(new[] { new[] { 0.5f }, new[] { 1f, 2f, 3f } }, 2, float.NaN);
        Assert.Equal(new[] { 0.5f, float.NaN, 1f, 2f }, values);
        Assert.Equal(new[] { 1, 2 }, floatLengths);
        Assert.Equal("maxLength", Assert.Throws<ArgumentOutOfRangeException>(() => TargetPadding.PadTargets(new[] { new[] { 1 } }, 0)).ParamName);
    }

    [Fact]
    public void Next_token_windows_shift_targets_by_one()
    {
        int[] stream = Enumerable.Range(10, 10).ToArray(); // 10 … 19
        TokenWindows windows = TokenWindows.NextToken(stream, timeSteps: 4);
        // (10 − 1 − 4) / 4 + 1 = 2 windows: 10..13 → 11..14, 14..17 → 15..18
        Assert.Equal(2, windows.Count);
        Assert.Equal(new[] { 10, 11, 12, 13, 14, 15, 16, 17 }, windows.Inputs);
        Assert.Equal(new[] { 11, 12, 13, 14, 15, 16, 17, 18 }, windows.Targets);
        TokenWindows overlapping = TokenWindows.NextToken(stream, timeSteps: 4, stride: 2);
        Assert.Equal(3, overlapping.Count);
        Assert.Equal(new[] { 14, 15, 16, 17 }, overlapping.Inputs[8..]);
        SequenceDataSet data = windows.ToDataSet();
        Assert.Equal(2, data.Count);
        Assert.Equal(4, data.TargetsPerExample);
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => TokenWindows.NextToken(stream, 10)).ParamName);
    }

    [Fact]
    public void Lanes_hold_contiguous_text_and_windows_continue_each_lane()
    {
        int[] stream = Enumerable.Range(0, 27).ToArray();
        LaneWindows lanes = LaneWindows.Split(stream, lanes: 2, timeSteps: 5);
        // L = ⌊26 / 2⌋ = 13: lane 0 = 0…12, lane 1 = 13…25; 2 windows of 5 (steps 10…12 dropped)
        Assert.Equal(13, lanes.LaneLength);
        Assert.Equal(2, lanes.WindowCount);
        (int[] x0, int[] y0) = lanes.Window(0);
        (int[] x1, int[] y1) = lanes.Window(1);
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 13, 14, 15, 16, 17 }, x0);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 14, 15, 16, 17, 18 }, y0);
        Assert.Equal(new[] { 5, 6, 7, 8, 9, 18, 19, 20, 21, 22 }, x1);
        Assert.Equal(new[] { 6, 7, 8, 9, 10, 19, 20, 21, 22, 23 }, y1);
        for (int b = 0; b < 2; b++)
        {
            Assert.Equal(x0[b * 5 + 4] + 1, x1[b * 5]); // lane b's window 1 starts where window 0 ended
        }

        // the last lane's last target may be token B·L: 3 lanes of ⌊9 / 3⌋ = 3 over 0…9, window 0 of lane 2 targets 7, 8, 9
        Assert.Equal(new[] { 7, 8, 9 }, LaneWindows.Split(Enumerable.Range(0, 10).ToArray(), 3, 3).Window(0).Targets[6..]);
        SequenceDataSet data = lanes.ToDataSet();
        Assert.Equal(4, data.Count); // K·B, example k·B + b
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => lanes.Window(2)).ParamName);
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => LaneWindows.Split(stream, 6, 5)).ParamName);
    }
}

using System.Numerics.Tensors;
using RnnGen.Initialization;

namespace RnnGen.Embeddings;

/// <summary>
/// word2vec with negative sampling (Mikolov et al. 2013): skip-gram predicts each context word from the centre word,
/// CBOW the centre word from the mean of its context; both push a true (input, output) pair's dot product up and
/// <see cref="Word2VecOptions.NegativeSamples"/> noise pairs' down. The algorithm and its defaults follow
/// <c>word2vec.c</c>: frequency-ordered vocabulary, sub-sampling of frequent words, a random window 1 … W per position,
/// noise from the unigram distribution to the 3/4, a linearly decaying learning rate, lock-free threads.
/// </summary>
public static class Word2Vec
{
    private const int NoiseTableSize = 1 << 22;
    private const float MaxLogit = 6f; // word2vec.c's MAX_EXP: beyond it the sigmoid is 0 or 1 and the pair is skipped as learned

    /// <summary>Trains word vectors on <paramref name="sentences"/> (windows never cross a sentence's end).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="sentences"/> or one of them is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">No word occurs <see cref="Word2VecOptions.MinCount"/> times.</exception>
    public static WordVectors Train(IEnumerable<IReadOnlyList<string>> sentences, Word2VecOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        options ??= new Word2VecOptions();
        options.Validate();

        List<IReadOnlyList<string>> text = sentences.Select((s, i) => s ?? throw new ArgumentNullException(nameof(sentences), $"Word2Vec.Train: sentence {i} is null.")).ToList();
        (string[] words, long[] counts) = CountWords(text, options.MinCount);
        if (words.Length == 0)
        {
            throw new ArgumentException($"Word2Vec.Train: no word occurs at least MinCount = {options.MinCount} times.", nameof(sentences));
        }

        var index = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (int i = 0; i < words.Length; i++)
        {
            index[words[i]] = i;
        }

        int[][] encoded = text.Select(s => s.Where(index.ContainsKey).Select(w => index[w]).ToArray()).Where(s => s.Length > 0).ToArray();
        var state = new TrainingState(words.Length, options, counts, encoded);
        state.Run();
        return new WordVectors(words, state.Input, options.Dimensions);
    }

    /// <summary>Trains word vectors on one token stream, cut into sentences of at most 1,000 words (as <c>word2vec.c</c> reads a file).</summary>
    public static WordVectors Train(IReadOnlyList<string> tokens, Word2VecOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var sentences = new List<IReadOnlyList<string>>();
        for (int start = 0; start < tokens.Count; start += 1000)
        {
            sentences.Add(tokens.Skip(start).Take(1000).ToArray());
        }

        return Train(sentences, options);
    }

    /// <summary>Words seen at least <paramref name="minCount"/> times, most frequent first (ties in first-seen order), with their counts.</summary>
    private static (string[] Words, long[] Counts) CountWords(List<IReadOnlyList<string>> text, int minCount)
    {
        var counts = new Dictionary<string, (long Count, int First)>(StringComparer.Ordinal);
        foreach (IReadOnlyList<string> sentence in text)
        {
            foreach (string word in sentence)
            {
                ArgumentNullException.ThrowIfNull(word, nameof(text));
                counts[word] = counts.TryGetValue(word, out var c) ? (c.Count + 1, c.First) : (1, counts.Count);
            }
        }

        var kept = counts.Where(p => p.Value.Count >= minCount)
            .OrderByDescending(p => p.Value.Count).ThenBy(p => p.Value.First)
            .ToArray();
        return (kept.Select(p => p.Key).ToArray(), kept.Select(p => p.Value.Count).ToArray());
    }

    /// <summary>The vectors being trained and what every thread shares.</summary>
    private sealed class TrainingState
    {
        private readonly Word2VecOptions _options;
        private readonly int _dim;
        private readonly int[][] _sentences;
        private readonly int[] _noise;
        private readonly float[] _keep; // probability of keeping each word under sub-sampling
        private readonly float _startRate;
        private readonly long _totalWork;
        private long _done;

        public readonly float[] Input;  // the word vectors (word2vec.c's syn0)
        private readonly float[] _output; // the output (context) vectors of negative sampling (syn1neg)

        public TrainingState(int vocabulary, Word2VecOptions options, long[] counts, int[][] sentences)
        {
            _options = options;
            _dim = options.Dimensions;
            _sentences = sentences;
            _startRate = options.LearningRate ?? (options.Architecture == Word2VecArchitecture.SkipGram ? 0.025f : 0.05f);
            long words = sentences.Sum(s => (long)s.Length);
            _totalWork = words * options.Epochs + 1;

            var random = new DeterministicRandom(options.Seed);
            Input = new float[checked(vocabulary * _dim)];
            for (int i = 0; i < Input.Length; i++)
            {
                Input[i] = (random.NextFloat() - 0.5f) / _dim;
            }

            _output = new float[Input.Length];
            _noise = NoiseTable(counts);
            _keep = new float[vocabulary];
            double threshold = options.Subsample * words;
            for (int w = 0; w < vocabulary; w++)
            {
                _keep[w] = threshold <= 0 ? 1f : (float)Math.Min(1.0, (Math.Sqrt(counts[w] / threshold) + 1) * threshold / counts[w]);
            }
        }

        public void Run()
        {
            int threads = Math.Max(1, Math.Min(_options.Threads ?? Parallelism.Threads, _sentences.Length));
            int[] bounds = Shares(threads);
            if (threads == 1)
            {
                Work(0, bounds[0], bounds[1]);
                return;
            }

            var workers = new Thread[threads];
            Exception? failure = null;
            for (int t = 0; t < threads; t++)
            {
                int share = t;
                workers[t] = new Thread(() =>
                {
                    try
                    {
                        Work(share, bounds[share], bounds[share + 1]);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref failure, e, null);
                    }
                }) { IsBackground = true, Name = $"RnnGen word2vec {t}" };
                workers[t].Start();
            }

            foreach (Thread worker in workers)
            {
                worker.Join();
            }

            if (failure is not null)
            {
                throw new InvalidOperationException("Word2Vec.Train: a training thread failed.", failure);
            }
        }

        /// <summary>Sentence boundaries giving each thread about the same number of words.</summary>
        private int[] Shares(int threads)
        {
            long total = _sentences.Sum(s => (long)s.Length);
            var bounds = new int[threads + 1];
            long seen = 0;
            int next = 1;
            for (int i = 0; i < _sentences.Length && next < threads; i++)
            {
                seen += _sentences[i].Length;
                if (seen * threads >= total * next)
                {
                    bounds[next++] = i + 1;
                }
            }

            for (; next <= threads; next++)
            {
                bounds[next] = _sentences.Length;
            }

            return bounds;
        }

        private void Work(int share, int first, int end)
        {
            var random = new DeterministicRandom(_options.Seed * 7919 + share + 1);
            var hidden = new float[_dim];   // CBOW's mean context vector
            var gradient = new float[_dim]; // accumulated gradient of the input side
            var kept = new int[_sentences.Skip(first).Take(end - first).Select(s => s.Length).DefaultIfEmpty(0).Max()];
            for (int epoch = 0; epoch < _options.Epochs; epoch++)
            {
                for (int s = first; s < end; s++)
                {
                    int[] sentence = _sentences[s];
                    int length = 0;
                    foreach (int w in sentence)
                    {
                        if (_keep[w] >= 1f || _keep[w] >= random.NextFloat())
                        {
                            kept[length++] = w;
                        }
                    }

                    float rate = Rate(Interlocked.Add(ref _done, sentence.Length) - sentence.Length);
                    for (int position = 0; position < length; position++)
                    {
                        int reach = 1 + random.NextInt(_options.Window);
                        int from = Math.Max(0, position - reach), to = Math.Min(length - 1, position + reach);
                        if (_options.Architecture == Word2VecArchitecture.SkipGram)
                        {
                            for (int c = from; c <= to; c++)
                            {
                                if (c != position)
                                {
                                    SkipGramPair(kept[c], kept[position], rate, gradient, random);
                                }
                            }
                        }
                        else
                        {
                            CbowWindow(kept.AsSpan(from, to - from + 1), position - from, rate, hidden, gradient, random);
                        }
                    }
                }
            }
        }

        private float Rate(long done) => _startRate * Math.Max(_options.MinLearningRateFraction, 1f - (float)((double)done / _totalWork));

        /// <summary>One skip-gram pair: the context word's input vector learns to predict the centre word against noise.</summary>
        private void SkipGramPair(int context, int centre, float rate, float[] gradient, DeterministicRandom random)
        {
            Span<float> input = Input.AsSpan(context * _dim, _dim);
            gradient.AsSpan().Clear();
            Discriminate(input, centre, rate, gradient, random);
            TensorPrimitives.Add(input, gradient, input);
        }

        /// <summary>One CBOW position: the mean of the context's input vectors learns to predict the centre word.</summary>
        private void CbowWindow(ReadOnlySpan<int> window, int centre, float rate, float[] hidden, float[] gradient, DeterministicRandom random)
        {
            if (window.Length < 2)
            {
                return;
            }

            hidden.AsSpan().Clear();
            for (int i = 0; i < window.Length; i++)
            {
                if (i != centre)
                {
                    TensorPrimitives.Add(hidden, Input.AsSpan(window[i] * _dim, _dim), hidden);
                }
            }

            TensorPrimitives.Multiply(hidden, 1f / (window.Length - 1), hidden);
            gradient.AsSpan().Clear();
            Discriminate(hidden, window[centre], rate, gradient, random);
            for (int i = 0; i < window.Length; i++)
            {
                if (i != centre)
                {
                    Span<float> input = Input.AsSpan(window[i] * _dim, _dim);
                    TensorPrimitives.Add(input, gradient, input);
                }
            }
        }

        /// <summary>
        /// Logistic loss of the true pair (input, target) and of <see cref="Word2VecOptions.NegativeSamples"/> noise words:
        /// updates their output vectors and adds the input side's step to <paramref name="gradient"/>.
        /// </summary>
        private void Discriminate(ReadOnlySpan<float> input, int target, float rate, Span<float> gradient, DeterministicRandom random)
        {
            for (int d = 0; d <= _options.NegativeSamples; d++)
            {
                int word = target;
                float label = 1f;
                if (d > 0)
                {
                    word = _noise[random.NextInt(NoiseTableSize)];
                    if (word == target)
                    {
                        continue;
                    }

                    label = 0f;
                }

                Span<float> output = _output.AsSpan(word * _dim, _dim);
                float logit = TensorPrimitives.Dot(input, output);
                float g = logit > MaxLogit ? label - 1f : logit < -MaxLogit ? label : label - 1f / (1f + MathF.Exp(-logit));
                g *= rate;
                if (g == 0f)
                {
                    continue;
                }

                TensorPrimitives.MultiplyAdd(output, g, gradient, gradient);
                TensorPrimitives.MultiplyAdd(input, g, output, output);
            }
        }

        /// <summary>Word ids laid out in proportion to count^0.75, so a uniform index draws noise from that distribution.</summary>
        private static int[] NoiseTable(long[] counts)
        {
            var table = new int[NoiseTableSize];
            double total = counts.Sum(c => Math.Pow(c, 0.75));
            int word = 0;
            double reach = Math.Pow(counts[0], 0.75) / total;
            for (int i = 0; i < table.Length; i++)
            {
                table[i] = word;
                if ((i + 1) / (double)table.Length > reach && word < counts.Length - 1)
                {
                    word++;
                    reach += Math.Pow(counts[word], 0.75) / total;
                }
            }

            return table;
        }
    }
}

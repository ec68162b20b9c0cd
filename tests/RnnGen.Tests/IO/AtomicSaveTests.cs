using RnnGen.IO;
using RnnGen.Training;

namespace RnnGen.Tests.IO;

/// <summary>Saving is all or nothing: no half-written target, no temporary file left by a failure, errors about the user's path.</summary>
public sealed class AtomicSaveTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-save-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string[] Entries() => [.. Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Fact]
    public void A_writer_that_throws_midway_leaves_the_old_file_and_no_temporary_file()
    {
        string path = Path.Combine(_folder, "weights.safetensors");
        File.WriteAllText(path, "previous content");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[10_000]);
            throw new InvalidOperationException("midway");
        }));
        Assert.Equal("midway", e.Message);
        Assert.Equal("previous content", File.ReadAllText(path));
        Assert.Equal(["weights.safetensors"], Entries());
    }

    [Fact]
    public void A_tensor_rejected_after_the_file_was_created_leaves_no_temporary_file()
    {
        string path = Path.Combine(_folder, "weights.safetensors");
        var tensors = new List<(string, int[], ReadOnlyMemory<float>)> { ("a", [2], new float[2]), ("b", [3], new float[2]) };
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, tensors));
        Assert.Empty(Entries());

        var twice = new List<(string, int[], ReadOnlyMemory<float>)> { ("a", [2], new float[2]), ("a", [2], new float[2]) };
        Assert.Contains("'a'", Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, twice)).Message, StringComparison.Ordinal);
        Assert.Empty(Entries());
    }

    [Fact]
    public void An_unwritable_target_names_the_users_path_not_the_temporary_file()
    {
        string blocker = Path.Combine(_folder, "not-a-folder");
        File.WriteAllText(blocker, "a file where a folder should be");
        string path = Path.Combine(blocker, "weights.safetensors");
        var e = Assert.ThrowsAny<IOException>(() => new TorchLstmLinear(seed: 1).SaveWeights(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", e.Message, StringComparison.Ordinal);
        Assert.Equal(["not-a-folder"], Entries());
    }

    [Fact]
    public void A_folder_as_the_target_is_an_argument_error_naming_it()
    {
        var e = Assert.Throws<ArgumentException>(() => new TorchLstmLinear(seed: 1).SaveWeights(_folder));
        Assert.Equal("path", e.ParamName);
        Assert.Contains(_folder, e.Message, StringComparison.Ordinal);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => new TorchLstmLinear(seed: 1).SaveWeights("")).ParamName);
        Assert.Empty(Entries());
    }

    [Fact]
    public void A_250_character_file_name_saves_and_loads()
    {
        string name = new string('w', 250 - ".safetensors".Length) + ".safetensors";
        Assert.Equal(250, name.Length);
        string path = Path.Combine(_folder, name);
        var source = new TorchLstmLinear(seed: 1);
        source.SaveWeights(path);
        var target = new TorchLstmLinear(seed: 2);
        target.LoadWeights(path);
        Assert.Equal(source.Parameters.ToArray(), target.Parameters.ToArray());

        var model = new Models.Forecaster(seed: 1);
        string checkpoint = Path.Combine(_folder, new string('c', 250));
        Checkpoint.Save(checkpoint, model, new Adam(0.01f), epoch: 1);
        Assert.Equal(1, Checkpoint.Load(checkpoint, model, new Adam(0.01f)).Epoch);
        Assert.Equal([new string('c', 250), name], Entries());
    }

    [Fact]
    public void The_temporary_name_is_short_hidden_and_recognisable()
    {
        string name = AtomicFile.TemporaryName(new string('x', 250));
        Assert.True(name.Length <= 40, name);
        Assert.StartsWith(".xxxxxxxxxxxxxxxx~", name, StringComparison.Ordinal);
        Assert.EndsWith(".tmp", name, StringComparison.Ordinal);
        Assert.NotEqual(name, AtomicFile.TemporaryName(new string('x', 250)));

        // a surrogate pair is never cut in half
        string emoji = string.Concat(Enumerable.Repeat("\U0001F600", 20));
        Assert.DoesNotContain('\uFFFD', System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(AtomicFile.TemporaryName(emoji))));
    }
}

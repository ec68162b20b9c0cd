namespace RnnGen.IO;

/// <summary>
/// The one exception weight loading throws for a file it cannot use (safetensors, ONNX or checkpoint): an
/// <see cref="InvalidDataException"/> whose message names the file and, where the problem is one tensor's, the tensor.
/// </summary>
internal static class WeightFileError
{
    public static InvalidDataException Create(string path, string? tensor, string message, Exception? inner = null)
    {
        var e = new InvalidDataException(message, inner);
        e.Data["path"] = path;
        if (tensor is not null)
        {
            e.Data["tensor"] = tensor;
        }

        return e;
    }
}

namespace RnnGen.IO.Onnx;

/// <summary>The field numbers and enum values of onnx/onnx.proto that RnnGen reads and writes (IR version 7, opset 14).</summary>
internal static class OnnxSchema
{
    public const long IrVersion = 7;
    public const long OpsetVersion = 14;

    public static class Model
    {
        public const int IrVersion = 1, ProducerName = 2, ProducerVersion = 3, Graph = 7, OpsetImport = 8;
    }

    public static class OperatorSetId
    {
        public const int Domain = 1, Version = 2;
    }

    public static class Graph
    {
        public const int Node = 1, Name = 2, Initializer = 5, Input = 11, Output = 12;
    }

    public static class Node
    {
        public const int Input = 1, Output = 2, Name = 3, OpType = 4, Attribute = 5, Domain = 7;
    }

    public static class Attribute
    {
        public const int Name = 1, F = 2, I = 3, S = 4, T = 5, Floats = 7, Ints = 8, Strings = 9, Type = 20;
        public const int TypeFloat = 1, TypeInt = 2, TypeString = 3, TypeTensor = 4, TypeFloats = 6, TypeInts = 7, TypeStrings = 8;
    }

    public static class Tensor
    {
        public const int Dims = 1, DataType = 2, FloatData = 4, Int32Data = 5, Int64Data = 7, Name = 8, RawData = 9, DoubleData = 10, DataLocation = 14;
        public const int Float = 1, Int32 = 6, Int64 = 7, Bool = 9, Double = 11;
    }

    public static class ValueInfo
    {
        public const int Name = 1, Type = 2;
    }

    /// <summary>TypeProto (field 1: tensor_type) → Tensor (1: elem_type, 2: shape) → TensorShapeProto (1: dim) → Dimension (1: dim_value, 2: dim_param).</summary>
    public static class Type
    {
        public const int TensorType = 1, ElemType = 1, Shape = 2, Dim = 1, DimValue = 1, DimParam = 2;
    }
}

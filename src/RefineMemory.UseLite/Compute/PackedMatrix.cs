namespace RefineMemory.UseLite.Compute;

/// <summary>
/// A weight matrix B[K, N] (row-major in the file) repacked into column panels of <see cref="PanelWidth"/>:
/// panel p holds B[k, p*32 .. p*32+31] for k = 0..K-1 contiguously, so the GEMM kernel streams it linearly.
/// </summary>
internal sealed class PackedMatrix
{
    public const int PanelWidth = 32;

    public PackedMatrix(float[] rowMajor, int rows, int columns, float[] bias)
    {
        if (columns % PanelWidth != 0)
        {
            throw new ArgumentException($"column count {columns} is not a multiple of {PanelWidth}.", nameof(columns));
        }

        if (rowMajor.Length != rows * columns || bias.Length != columns)
        {
            throw new ArgumentException($"matrix of {rowMajor.Length} values and bias of {bias.Length} do not fit [{rows}, {columns}].", nameof(rowMajor));
        }

        Rows = rows;
        Columns = columns;
        Bias = bias;
        Panels = new float[rows * columns];
        for (int p = 0; p < columns / PanelWidth; p++)
        {
            for (int k = 0; k < rows; k++)
            {
                Array.Copy(rowMajor, (k * columns) + (p * PanelWidth), Panels, ((p * rows) + k) * PanelWidth, PanelWidth);
            }
        }
    }

    /// <summary>K: the inner dimension.</summary>
    public int Rows { get; }

    /// <summary>N: the output width.</summary>
    public int Columns { get; }

    public float[] Panels { get; }

    public float[] Bias { get; }
}

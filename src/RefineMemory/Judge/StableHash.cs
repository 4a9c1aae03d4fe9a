namespace RefineMemory.Judge;

/// <summary>FNV-1a over UTF-16 code units: unlike <see cref="string.GetHashCode()"/>, stable across processes.</summary>
internal static class StableHash
{
    public static int Of(string text)
    {
        unchecked
        {
            uint hash = 2166136261;
            foreach (char c in text)
            {
                hash = (hash ^ c) * 16777619;
            }

            return (int)hash;
        }
    }

    public static int Combine(int a, int b, int c) => unchecked((((a * 31) + b) * 31) + c);
}

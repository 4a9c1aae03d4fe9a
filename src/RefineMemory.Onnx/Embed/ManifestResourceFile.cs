using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace RefineMemory.Onnx.Embed;

/// <summary>
/// Reads a manifest resource out of an assembly file without loading the assembly: the pretrained-model packages'
/// assemblies are only containers here (their code needs Microsoft.ML and an older ONNX Runtime, which we do not ship).
/// </summary>
internal static class ManifestResourceFile
{
    public static byte[] Read(string assemblyPath, string resourceName)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!resource.Implementation.IsNil || !metadata.StringComparer.Equals(resource.Name, resourceName))
            {
                continue;
            }

            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var reader = pe.GetSectionData(directory.RelativeVirtualAddress).GetReader(0, directory.Size);
            reader.Offset = checked((int)resource.Offset);
            int length = reader.ReadInt32();
            return reader.ReadBytes(length);
        }

        throw new InvalidDataException($"'{assemblyPath}' has no manifest resource '{resourceName}'.");
    }
}

namespace SampleBroker.ReferenceBiobank.Tests.Support;

internal static class RepositoryRoot
{
    /// <summary>The directory holding SampleBroker.sln, found upwards from the test binaries.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "SampleBroker.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("SampleBroker.sln not found above " + AppContext.BaseDirectory);
    }
}

using System.Runtime.CompilerServices;

namespace AssetLedger.Api.Tests.Infrastructure;

/// <summary>
/// The tests start the built service as a child process (<c>dotnet AssetLedger.Api.dll</c>, the copy next to the
/// test assembly: fault, browser, command-line and schema tests). At start-up JasperFx scans every assembly in that
/// folder, FsCheck's too (a test dependency), and FsCheck's attributes need FSharp.Core, which the service's own
/// deps.json does not list, so the service would die with a FileNotFoundException. Every child process inherits this
/// process's environment, so the test project's deps.json is named here once as additional dependencies.
/// </summary>
internal static class ServiceProcessDependencies
{
    [ModuleInitializer]
    internal static void AddTheTestDependencies()
    {
        var deps = Path.Combine(AppContext.BaseDirectory, "AssetLedger.Api.Tests.deps.json");
        if (File.Exists(deps) && Environment.GetEnvironmentVariable("DOTNET_ADDITIONAL_DEPS") is null)
            Environment.SetEnvironmentVariable("DOTNET_ADDITIONAL_DEPS", deps);
    }
}

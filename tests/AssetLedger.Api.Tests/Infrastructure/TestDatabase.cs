using System.ComponentModel;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;

namespace AssetLedger.Api.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server for integration tests. Sources, in this order:
/// <list type="number">
/// <item>environment variable <c>ASSETLEDGER_TEST_CONNECTION</c> (an existing server; used as is);</item>
/// <item>a Testcontainers PostgreSQL container, when a Docker engine answers
///       (set <c>ASSETLEDGER_TEST_NO_DOCKER=1</c> to skip this step);</item>
/// <item>a throwaway local cluster built with the PostgreSQL server binaries (initdb/pg_ctl) in a fresh
///       temp directory on a free port; install the binaries with <c>ops/postgres.sh ensure-installed</c>.
///       <c>ASSETLEDGER_PG_BINDIR</c> overrides where the binaries are looked for.</item>
/// </list>
/// Use <see cref="Shared"/> (one server per test process) and <see cref="CreateDatabaseAsync"/> to give each
/// test class its own database. The shared instance is stopped at process exit; disposing it is a no-op.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string ConnectionEnvironmentVariable = "ASSETLEDGER_TEST_CONNECTION";
    public const string NoDockerEnvironmentVariable = "ASSETLEDGER_TEST_NO_DOCKER";
    public const string BinDirEnvironmentVariable = "ASSETLEDGER_PG_BINDIR";

    private const string ContainerImage = "postgres:15-alpine";
    private const string Superuser = "postgres";
    private const string TempDirPrefix = "assetledger-pg-";
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(120);

    private static readonly Lazy<Task<TestDatabase>> SharedInstance =
        new(() => StartCoreAsync(isShared: true), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly SemaphoreSlim _createLock = new(1, 1);
    private readonly List<string> _createdDatabases = [];
    private readonly PostgreSqlContainer? _container;
    private readonly LocalCluster? _cluster;
    private readonly bool _isShared;
    private readonly EventHandler _processExitHandler;
    private int _disposed;

    private TestDatabase(string connectionString, PostgreSqlContainer? container, LocalCluster? cluster, bool isShared)
    {
        ConnectionString = connectionString;
        _container = container;
        _cluster = cluster;
        _isShared = isShared;
        _processExitHandler = (_, _) => ShutdownAtProcessExit();
        AppDomain.CurrentDomain.ProcessExit += _processExitHandler;
    }

    /// <summary>One server per test process, started on first use, stopped at process exit.</summary>
    public static Task<TestDatabase> Shared => SharedInstance.Value;

    /// <summary>Connection string for the server's default database (superuser).</summary>
    public string ConnectionString { get; }

    /// <summary>Where the server came from: "environment", "testcontainers" or "local cluster (...)".</summary>
    public string Source => _container is not null ? "testcontainers"
        : _cluster is not null ? $"local cluster ({_cluster.Description})"
        : "environment";

    /// <summary>Starts a new, private server. Prefer <see cref="Shared"/>; dispose what this returns.</summary>
    public static Task<TestDatabase> StartAsync() => StartCoreAsync(isShared: false);

    /// <summary>
    /// Starts a new, private throwaway local cluster (initdb/pg_ctl), whatever <c>ASSETLEDGER_TEST_CONNECTION</c>
    /// or Docker would have given: fault tests stop and start the server (<see cref="StopAsync"/>,
    /// <see cref="StartAgainAsync"/>), which needs a server this process owns. Dispose what this returns.
    /// </summary>
    public static async Task<TestDatabase> StartLocalClusterAsync()
    {
        var cluster = await Task.Run(LocalCluster.Create).ConfigureAwait(false);
        return new TestDatabase(WithTestDefaults(cluster.ConnectionString), null, cluster, isShared: false);
    }

    /// <summary>True for a private local cluster: the only kind <see cref="StopAsync"/> and <see cref="StartAgainAsync"/> support.</summary>
    public bool CanStopAndStart => _cluster is not null && !_isShared;

    /// <summary>
    /// Stops a private local cluster (<c>pg_ctl stop -m <paramref name="mode"/></c>: "immediate" is a crash of
    /// the server, "fast" a clean shutdown that ends every session); data directory and port are kept.
    /// </summary>
    public Task StopAsync(string mode = "immediate")
    {
        EnsureStoppable();
        return Task.Run(() => _cluster!.Stop(mode));
    }

    /// <summary>Starts a cluster stopped by <see cref="StopAsync"/> again, on the same port and data directory.</summary>
    public Task StartAgainAsync()
    {
        EnsureStoppable();
        return Task.Run(_cluster!.StartAgain);
    }

    /// <summary>
    /// Freezes a private local cluster without stopping it (SIGSTOP to the postmaster and every
    /// backend): connections stay open and the port keeps accepting TCP connections, but nothing
    /// answers, as with a hung server or a network partition. <see cref="ResumeAsync"/> thaws it.
    /// </summary>
    public Task SuspendAsync()
    {
        EnsureStoppable();
        return Task.Run(() => _cluster!.Signal("STOP"));
    }

    /// <summary>Thaws a cluster frozen by <see cref="SuspendAsync"/> (SIGCONT).</summary>
    public Task ResumeAsync()
    {
        EnsureStoppable();
        return Task.Run(() => _cluster!.Signal("CONT"));
    }

    private void EnsureStoppable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!CanStopAndStart)
            throw new InvalidOperationException(
                $"Only a private local cluster (StartLocalClusterAsync) can be stopped and started again; this server is: {Source}" +
                (_isShared ? " (shared)." : "."));
    }

    /// <summary>
    /// Creates a fresh, empty database (dropping an existing one with that name first) and returns a
    /// connection string for it. Names must be unique per test class, at most 63 bytes.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (Encoding.UTF8.GetByteCount(name) > 63)
            throw new ArgumentException($"Database name '{name}' is longer than PostgreSQL's 63-byte limit.", nameof(name));
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var result = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
        await _createLock.WaitAsync().ConfigureAwait(false);
        try
        {
            // Pooled connections to a database of that name would be dead after the DROP below.
            using (var pooled = new NpgsqlConnection(result))
                NpgsqlConnection.ClearPool(pooled);

            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync().ConfigureAwait(false);
            await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", connection))
                await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
            await using (var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection))
                await create.ExecuteNonQueryAsync().ConfigureAwait(false);
            lock (_createdDatabases)
                _createdDatabases.Add(quoted);
        }
        finally
        {
            _createLock.Release();
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_isShared)
            return; // stopped by the ProcessExit handler; other test classes may still use it
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        AppDomain.CurrentDomain.ProcessExit -= _processExitHandler;

        if (_container is not null)
        {
            await _container.DisposeAsync().ConfigureAwait(false);
        }
        else if (_cluster is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await Task.Run(_cluster.Destroy).ConfigureAwait(false);
        }
        else
        {
            await DropCreatedDatabasesAsync().ConfigureAwait(false);
        }
    }

    private void ShutdownAtProcessExit()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            if (_container is not null)
                _container.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(15));
            else
                _cluster?.Destroy();
            // Databases created on an external server are left alone here: the server may be shutting
            // down with us, and blocking process exit on network I/O is worse than a leftover database.
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"TestDatabase: cleanup at process exit failed: {ex.Message}");
        }
    }

    private async Task DropCreatedDatabasesAsync()
    {
        string[] names;
        lock (_createdDatabases)
            names = [.. _createdDatabases];
        if (names.Length == 0)
            return;
        try
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync().ConfigureAwait(false);
            foreach (var quoted in names)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or PostgresException)
        {
            Console.Error.WriteLine($"TestDatabase: could not drop test databases: {ex.Message}");
        }
    }

    private static async Task<TestDatabase> StartCoreAsync(bool isShared)
    {
        // (a) an explicitly configured server
        var fromEnvironment = Environment.GetEnvironmentVariable(ConnectionEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return new TestDatabase(WithTestDefaults(fromEnvironment), null, null, isShared);

        // (b) Testcontainers, if a Docker engine answers
        if (!IsTruthy(Environment.GetEnvironmentVariable(NoDockerEnvironmentVariable)))
        {
            PostgreSqlContainer? container = null;
            try
            {
                container = new PostgreSqlBuilder(ContainerImage).Build();
            }
            catch (DockerUnavailableException)
            {
                // no Docker engine: fall through to a local cluster
            }

            if (container is not null)
            {
                try
                {
                    await container.StartAsync().ConfigureAwait(false);
                }
                catch
                {
                    await container.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                return new TestDatabase(WithTestDefaults(container.GetConnectionString()), container, null, isShared);
            }
        }

        // (c) a throwaway local cluster
        var cluster = await Task.Run(LocalCluster.Create).ConfigureAwait(false);
        return new TestDatabase(WithTestDefaults(cluster.ConnectionString), null, cluster, isShared);
    }

    private static string WithTestDefaults(string connectionString)
    {
        // Keep values the caller chose explicitly; add the test defaults otherwise.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Timeout"))
            builder.Timeout = 5;
        if (!given.ContainsKey("Command Timeout") && !given.ContainsKey("CommandTimeout"))
            builder.CommandTimeout = 30;
        if (!given.ContainsKey("Include Error Detail") && !given.ContainsKey("IncludeErrorDetail"))
            builder.IncludeErrorDetail = true;
        return builder.ConnectionString;
    }

    private static bool IsTruthy(string? value) =>
        value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase)
                                           || value.Equals("yes", StringComparison.OrdinalIgnoreCase));

    /// <summary>A cluster in a temp directory, run with initdb/pg_ctl (as "postgres" via runuser when root).</summary>
    private sealed class LocalCluster
    {
        private readonly string _binDir;
        private readonly string _rootDir;
        private readonly string _dataDir;
        private readonly string? _runAs;
        private int _destroyed;

        private LocalCluster(string binDir, string rootDir, string? runAs)
        {
            _binDir = binDir;
            _rootDir = rootDir;
            _dataDir = Path.Combine(rootDir, "data");
            _runAs = runAs;
        }

        public int Port { get; private set; }

        public string ConnectionString => new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = Superuser,
            Database = "postgres",
        }.ConnectionString;

        public string Description => $"{_binDir}, {_dataDir}, port {Port}" + (_runAs is null ? "" : $", as {_runAs}");

        private string LogFile => Path.Combine(_rootDir, "server.log");

        public static LocalCluster Create()
        {
            var binDir = FindBinDir() ?? throw new InvalidOperationException(
                "The integration tests need PostgreSQL: no Docker engine answered and no PostgreSQL server binaries " +
                "(initdb, pg_ctl under /usr/lib/postgresql/*/bin or `pg_config --bindir`) were found. " +
                "Run `ops/postgres.sh ensure-installed` (installs the Debian package 'postgresql'), " +
                $"or set {ConnectionEnvironmentVariable} to the connection string of an existing server.");

            var runAs = IsRoot() ? Superuser : null;
            if (runAs is not null && RunProcess("id", ["-u", runAs]).ExitCode != 0)
                throw new InvalidOperationException(
                    $"Running as root, so PostgreSQL must run as the OS user '{runAs}', which does not exist. " +
                    "Run `ops/postgres.sh ensure-installed` or create it (useradd --system --user-group postgres).");

            CleanUpOrphans(binDir);

            var rootDir = Path.Combine(Path.GetTempPath(), TempDirPrefix + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(rootDir);
            var cluster = new LocalCluster(binDir, rootDir, runAs);
            try
            {
                cluster.StartWatchdog();
                cluster.Initialize();
                cluster.Start();
                return cluster;
            }
            catch
            {
                cluster.Destroy();
                throw;
            }
        }

        /// <summary>
        /// A detached shell (own session, so it survives the test host being killed, e.g. by VSTest, which
        /// gives the test host only ~100 ms to exit after the run) that waits for this process to exit and
        /// then stops the server and deletes the temp directory. It ends early once the directory is gone.
        /// </summary>
        private void StartWatchdog()
        {
            const string script = """
                exec </dev/null >/dev/null 2>&1
                while kill -0 "$1" && [ -d "$4" ]; do sleep 1; done
                [ -d "$4" ] || exit 0
                if [ -f "$3/postmaster.pid" ]; then
                  if [ -n "$5" ]; then runuser -u "$5" -- "$2" -D "$3" -m immediate -w -t 30 stop
                  else "$2" -D "$3" -m immediate -w -t 30 stop; fi
                fi
                rm -rf -- "$4"
                """;
            try
            {
                RunProcess("setsid", ["-f", "/bin/sh", "-c", script, "assetledger-pg-watchdog",
                    Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                    Path.Combine(_binDir, "pg_ctl"), _dataDir, _rootDir, _runAs ?? ""]);
            }
            catch (Win32Exception ex)
            {
                // no setsid: rely on Dispose / ProcessExit / orphan cleanup on the next run
                Console.Error.WriteLine($"TestDatabase: could not start the cleanup watchdog: {ex.Message}");
            }
        }

        private void Initialize()
        {
            File.WriteAllText(Path.Combine(_rootDir, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            if (_runAs is not null)
            {
                // rootDir is created 0755 by root; the parent (temp dir) must be traversable by postgres.
                Run("chown", ["-R", $"{_runAs}:", _rootDir]);
                var probe = RunProcess("runuser", ["-u", _runAs, "--", "test", "-w", _rootDir]);
                if (probe.ExitCode != 0)
                    throw new InvalidOperationException(
                        $"The OS user '{_runAs}' cannot write to {_rootDir}; a parent directory is not traversable. " +
                        "Point TMPDIR at a directory such as /tmp.");
            }

            RunPg("initdb", ["-D", _dataDir, "-U", Superuser, "-E", "UTF8", "--locale=C", "-A", "trust", "--no-sync"]);

            // Throwaway cluster: durability off, TCP on loopback only, socket in the temp dir.
            File.AppendAllText(Path.Combine(_dataDir, "postgresql.conf"), string.Join('\n',
                "",
                "# AssetLedger throwaway test cluster (tests/AssetLedger.Api.Tests/Infrastructure/TestDatabase.cs)",
                "listen_addresses = '127.0.0.1'",
                $"unix_socket_directories = '{_rootDir.Replace("'", "''", StringComparison.Ordinal)}'",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                "max_connections = 200",
                ""));
        }

        private void Start()
        {
            // The free port can be taken between probing and binding; try a few.
            for (var attempt = 1; ; attempt++)
            {
                Port = FindFreePort();
                var result = RunPgProcess("pg_ctl",
                    ["-D", _dataDir, "-l", LogFile, "-w", "-t", "60", "-o", $"-p {Port}", "start"]);
                if (result.ExitCode == 0)
                    return;

                var log = ReadLogTail();
                if (attempt < 3 && log.Contains("already in use", StringComparison.OrdinalIgnoreCase))
                    continue;
                throw new InvalidOperationException(
                    $"pg_ctl start failed (exit code {result.ExitCode}) for {_dataDir} on port {Port}.\n" +
                    $"{result.Describe()}\n--- {LogFile} (tail) ---\n{log}");
            }
        }

        /// <summary>Sends a signal (STOP, CONT) to the postmaster and all its child processes.</summary>
        public void Signal(string signal)
        {
            var pidFile = Path.Combine(_dataDir, "postmaster.pid");
            var postmaster = int.Parse(File.ReadLines(pidFile).First().Trim(), CultureInfo.InvariantCulture);
            var pids = new List<int> { postmaster };
            foreach (var dir in Directory.GetDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid)) continue;
                try
                {
                    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces, so parse after the last ')'.
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    if (int.Parse(fields[1], CultureInfo.InvariantCulture) == postmaster) pids.Add(pid);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
                {
                    // gone in the meantime
                }
            }
            Run("kill", ["-" + signal, postmaster.ToString(CultureInfo.InvariantCulture)]);
            if (pids.Count > 1) // a backend may have exited since it was listed: not an error
                RunProcess("kill", ["-" + signal, .. pids.Skip(1).Select(p => p.ToString(CultureInfo.InvariantCulture))]);
        }

        /// <summary>pg_ctl stop with the given mode ("smart", "fast" or "immediate"), waiting until the server is down.</summary>
        public void Stop(string mode)
        {
            if (mode is not ("smart" or "fast" or "immediate"))
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "pg_ctl stop modes are smart, fast and immediate.");
            var result = RunPgProcess("pg_ctl", ["-D", _dataDir, "-m", mode, "-w", "-t", "60", "stop"]);
            if (result.ExitCode != 0)
                throw new InvalidOperationException(
                    $"pg_ctl stop -m {mode} failed (exit code {result.ExitCode}).\n{result.Describe()}\n--- {LogFile} (tail) ---\n{ReadLogTail()}");
        }

        /// <summary>pg_ctl start on the port the cluster had, waiting until it accepts connections (after crash recovery).</summary>
        public void StartAgain()
        {
            var result = RunPgProcess("pg_ctl",
                ["-D", _dataDir, "-l", LogFile, "-w", "-t", "60", "-o", $"-p {Port}", "start"]);
            if (result.ExitCode != 0)
                throw new InvalidOperationException(
                    $"pg_ctl start failed (exit code {result.ExitCode}) for {_dataDir} on port {Port}.\n" +
                    $"{result.Describe()}\n--- {LogFile} (tail) ---\n{ReadLogTail()}");
        }

        public void Destroy()
        {
            if (Interlocked.Exchange(ref _destroyed, 1) != 0)
                return;
            try
            {
                if (File.Exists(Path.Combine(_dataDir, "postmaster.pid")))
                    RunPgProcess("pg_ctl", ["-D", _dataDir, "-m", "immediate", "-w", "-t", "30", "stop"]);
            }
            finally
            {
                TryDelete(_rootDir);
            }
        }

        private string ReadLogTail()
        {
            try
            {
                var lines = File.ReadAllLines(LogFile);
                return string.Join('\n', lines.TakeLast(30));
            }
            catch (IOException ex)
            {
                return $"(could not read log: {ex.Message})";
            }
            catch (UnauthorizedAccessException ex)
            {
                return $"(could not read log: {ex.Message})";
            }
        }

        private void RunPg(string tool, IReadOnlyList<string> args)
        {
            var result = RunPgProcess(tool, args);
            if (result.ExitCode != 0)
                throw new InvalidOperationException($"{tool} failed (exit code {result.ExitCode}).\n{result.Describe()}");
        }

        private ProcessResult RunPgProcess(string tool, IReadOnlyList<string> args) =>
            RunAsClusterUser(_runAs, Path.Combine(_binDir, tool), args);

        private static ProcessResult RunAsClusterUser(string? runAs, string exe, IReadOnlyList<string> args) =>
            runAs is null ? RunProcess(exe, args) : RunProcess("runuser", ["-u", runAs, "--", exe, .. args]);

        /// <summary>Stops and deletes clusters left behind by test processes that died (e.g. killed).</summary>
        private static void CleanUpOrphans(string binDir)
        {
            string[] candidates;
            try
            {
                candidates = Directory.GetDirectories(Path.GetTempPath(), TempDirPrefix + "*");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;
            }

            foreach (var dir in candidates)
            {
                try
                {
                    var pidFile = Path.Combine(dir, "owner.pid");
                    if (!File.Exists(pidFile)
                        || !int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid)
                        || pid == Environment.ProcessId
                        || Directory.Exists($"/proc/{pid}"))
                        continue;

                    var dataDir = Path.Combine(dir, "data");
                    if (File.Exists(Path.Combine(dataDir, "postmaster.pid")))
                    {
                        var owner = IsRoot() ? Superuser : null;
                        RunAsClusterUser(owner, Path.Combine(binDir, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "-t", "30", "stop"]);
                    }

                    TryDelete(dir, quiet: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    // someone else's or already gone: not our business
                }
            }
        }

        private static void TryDelete(string dir, bool quiet = false)
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                try
                {
                    if (Directory.Exists(dir))
                        Directory.Delete(dir, recursive: true);
                    return;
                }
                catch (IOException)
                {
                    Thread.Sleep(200); // a just-stopped server may still be removing files
                }
                catch (UnauthorizedAccessException ex)
                {
                    if (!quiet)
                        Console.Error.WriteLine($"TestDatabase: could not delete {dir}: {ex.Message}");
                    return;
                }
            }
        }

        private static int FindFreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                return ((IPEndPoint)listener.LocalEndpoint).Port;
            }
            finally
            {
                listener.Stop();
            }
        }

        private static string? FindBinDir()
        {
            static bool HasServer(string? dir) =>
                !string.IsNullOrEmpty(dir) && File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

            var configured = Environment.GetEnvironmentVariable(BinDirEnvironmentVariable);
            if (HasServer(configured))
                return configured;

            // Debian/Ubuntu: /usr/lib/postgresql/<major>/bin, newest first
            const string debianRoot = "/usr/lib/postgresql";
            if (Directory.Exists(debianRoot))
            {
                var newest = Directory.GetDirectories(debianRoot)
                    .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: ParseVersion(Path.GetFileName(dir))))
                    .Where(x => x.Version is not null && HasServer(x.Dir))
                    .OrderByDescending(x => x.Version)
                    .Select(x => x.Dir)
                    .FirstOrDefault();
                if (newest is not null)
                    return newest;
            }

            // Other layouts; on Debian pg_config (libpq-dev) may name a bin dir without server binaries.
            try
            {
                var result = RunProcess("pg_config", ["--bindir"]);
                var dir = result.StdOut.Trim();
                if (result.ExitCode == 0 && HasServer(dir))
                    return dir;
            }
            catch (Win32Exception)
            {
                // pg_config not on PATH
            }

            return null;
        }

        private static Version? ParseVersion(string name) =>
            Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var v) ? v : null;

        private static bool? _isRoot;

        private static bool IsRoot()
        {
            if (_isRoot is { } known)
                return known;
            var root = Environment.UserName == "root";
            if (!root)
            {
                try
                {
                    var result = RunProcess("id", ["-u"]);
                    root = result.ExitCode == 0 && result.StdOut.Trim() == "0";
                }
                catch (Win32Exception)
                {
                    root = false;
                }
            }

            _isRoot = root;
            return root;
        }

        private static void Run(string exe, IReadOnlyList<string> args)
        {
            var result = RunProcess(exe, args);
            if (result.ExitCode != 0)
                throw new InvalidOperationException($"{exe} failed (exit code {result.ExitCode}).\n{result.Describe()}");
        }

        private static ProcessResult RunProcess(string exe, IReadOnlyList<string> args)
        {
            var psi = new ProcessStartInfo(exe)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = false,
                UseShellExecute = false,
                WorkingDirectory = "/", // the cluster user may not be able to read the test's cwd
            };
            foreach (var arg in args)
                psi.ArgumentList.Add(arg);
            psi.Environment["LC_ALL"] = "C";

            using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {exe}.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(ProcessTimeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new InvalidOperationException(
                    $"{exe} {string.Join(' ', args)} did not finish within {ProcessTimeout.TotalSeconds:0} s.");
            }

            // pg_ctl start leaves the server running; with -l it does not hold our pipes, so these complete.
            if (!Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(10)))
                return new ProcessResult(exe, args, process.ExitCode, "", "(output not closed by child processes)");
            return new ProcessResult(exe, args, process.ExitCode, stdout.Result, stderr.Result);
        }

        private sealed record ProcessResult(string Exe, IReadOnlyList<string> Args, int ExitCode, string StdOut, string StdErr)
        {
            public string Describe() =>
                $"command: {Exe} {string.Join(' ', Args)}\n--- stderr ---\n{StdErr.TrimEnd()}\n--- stdout ---\n{StdOut.TrimEnd()}";
        }
    }
}

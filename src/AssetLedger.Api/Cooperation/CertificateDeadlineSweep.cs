using System.Security.Cryptography;
using System.Text;
using AssetLedger.Api.Certificates;
using AssetLedger.Certificates;
using NodaTime;

namespace AssetLedger.Api.Cooperation;

/// <summary>
/// Every <c>Cooperation:DeadlineSweepSeconds</c> (default 60), records the missed time limits of the
/// open certificates this ledger executes. The command id is derived from the certificate and the
/// limits missed, so two instances sweeping at once record each miss once.
/// </summary>
public sealed class CertificateDeadlineSweep(IDocumentStore store, CommandExecutor executor, IClock clock, IConfiguration configuration,
    ILogger<CertificateDeadlineSweep> log) : BackgroundService
{
    private readonly TimeSpan every = TimeSpan.FromSeconds(configuration.GetValue("Cooperation:DeadlineSweepSeconds", 60.0));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ErrorHandlingMiddleware.IsDatabaseUnavailable(ex))
            {
                log.LogWarning("Deadline sweep: database unavailable ({Reason})", ex.GetBaseException().Message);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Anything else is a bug to see, not a reason to stop the host (a background service's
                // exception stops it by default), and the next round tries again.
                log.LogError(ex, "Deadline sweep failed; the next round tries again");
            }
        }
    }

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        IReadOnlyList<Certificate> open;
        await using (var query = store.QuerySession())
            open = await query.Query<Certificate>().Where(c => c.AnyTenant() && c.Role == CertificateRole.Executing
                && c.Status != CertificateStatus.Withdrawn && c.Status != CertificateStatus.Refused && c.Status != CertificateStatus.Impossible).ToListAsync(ct);
        var recorded = 0;
        foreach (var c in open)
        {
            var missed = CertificateDeadlines.Missed(c, now);
            if (missed.Count == 0) continue;
            var key = string.Join(",", missed.Select(m => m.Kind));
            var commandId = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{c.Id:N}:deadlines:{key}")).AsSpan(0, 16));
            var caller = new Caller("system:deadline-sweep", "Deadline sweep", [Roles.Admin], c.Details.ExecutingState, "");
            var context = new CommandContext(caller, "system", commandId, commandId.ToString("N"), Guid.NewGuid().ToString("N"), null);
            var outcome = await CertificateCommandSlices.RunAsync(executor, clock, context, $"sweep /api/certificates/{c.Id}/deadline-check", c.Id, new RecordMissedDeadlines(), mustExist: true, ct);
            if (outcome is Outcome.Done) recorded += missed.Count;
            // Not recorded this round (the database did not answer, a concurrent change): the next sweep tries again.
            else log.LogWarning("Deadline sweep: certificate {CertificateId} not updated this round: {Outcome}", c.Id, outcome.GetType().Name);
        }
        return recorded;
    }
}

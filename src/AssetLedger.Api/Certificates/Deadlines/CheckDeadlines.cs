using AssetLedger.Certificates;

namespace AssetLedger.Api.Certificates.Deadlines;

/// <summary>
/// <c>POST /api/certificates/{id}/deadline-check</c>: records every time limit of the certificate that
/// has passed without its decision (Art 9(3), Art 20(1)); nothing when none has. The background
/// sweep (<see cref="Cooperation.CertificateDeadlineSweep"/>) runs the same command on every open
/// certificate; the route lets a prosecutor (or a test with a fake clock) run it now.
/// </summary>
[CertificateCommand("deadline-check", "Record missed time limits", Roles.Prosecutor, Roles.Admin)]
public sealed class CheckDeadlinesSlice : ICertificateCommandSlice
{
    public CertificateCommand? Parse(Fields f) => new RecordMissedDeadlines();
}

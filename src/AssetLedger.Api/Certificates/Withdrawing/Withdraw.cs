using AssetLedger.Certificates;

namespace AssetLedger.Api.Certificates.Withdrawing;

/// <summary><c>POST /api/certificates/{id}/withdrawal</c>: the issuing authority withdraws the certificate (Art 27); the executing ledger is told through the outbox.</summary>
[CertificateCommand("withdrawal", "Withdraw the certificate", Roles.Prosecutor)]
public sealed class WithdrawSlice : ICertificateCommandSlice
{
    public CertificateCommand? Parse(Fields f)
    {
        var reason = f.Text("reason", true, Fields.LongText);
        return f.Ok ? new WithdrawCertificate(reason!) : null;
    }
}

using AssetLedger.Certificates;

namespace AssetLedger.Api.Certificates.Consulting;

/// <summary><c>POST /api/certificates/{id}/consultations</c>: the executing authority records a consultation of the issuing authority (Art 8(2), Art 19(2)).</summary>
[CertificateCommand("consultations", "Record a consultation of the issuing authority", Roles.Prosecutor)]
public sealed class ConsultSlice : ICertificateCommandSlice
{
    public CertificateCommand? Parse(Fields f)
    {
        var subject = f.Text("subject", true);
        var outcome = f.Text("outcome", true, Fields.LongText);
        return f.Ok ? new ConsultIssuingAuthority(subject!, outcome!) : null;
    }
}

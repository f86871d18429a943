using AssetLedger.Api.Certificates.Refusing;
using AssetLedger.Certificates;

namespace AssetLedger.Api.Certificates.Postponing;

/// <summary><c>POST /api/certificates/{id}/postponement</c>: execution postponed on grounds of Art 10(1) / Art 21(1).</summary>
[CertificateCommand("postponement", "Postpone execution", Roles.Prosecutor)]
public sealed class PostponeSlice : ICertificateCommandSlice
{
    public CertificateCommand? Parse(Fields f)
    {
        var grounds = GroundCodes.Parse(f);
        var reason = f.Text("reason", true, Fields.LongText);
        return f.Ok ? new PostponeExecution(grounds, reason!) : null;
    }
}

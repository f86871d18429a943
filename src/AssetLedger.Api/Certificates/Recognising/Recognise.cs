using AssetLedger.Certificates;

namespace AssetLedger.Api.Certificates.Recognising;

/// <summary><c>POST /api/certificates/{id}/recognition</c>: the executing authority recognises the order (Art 7, Art 18).</summary>
[CertificateCommand("recognition", "Recognise", Roles.Prosecutor)]
public sealed class RecogniseSlice : ICertificateCommandSlice
{
    public CertificateCommand? Parse(Fields f) => new RecogniseCertificate();
}

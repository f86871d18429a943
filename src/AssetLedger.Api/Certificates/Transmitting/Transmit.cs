using AssetLedger.Certificates;

namespace AssetLedger.Api.Certificates.Transmitting;

/// <summary><c>POST /api/certificates/{id}/transmit</c>: the issued certificate goes to the executing State's ledger through the outbox.</summary>
[CertificateCommand("transmit", "Transmit to the executing State", Roles.Prosecutor)]
public sealed class TransmitSlice : ICertificateCommandSlice
{
    public CertificateCommand? Parse(Fields f) => new TransmitCertificate();
}

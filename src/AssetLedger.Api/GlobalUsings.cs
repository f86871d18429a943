// The namespaces nearly every slice and page uses: the service's infrastructure (requests, outcomes,
// the executor), the core's assets and cases, Marten and Wolverine.
global using AssetLedger.Api.Infrastructure;
global using AssetLedger.Assets;
global using AssetLedger.Cases;
global using Marten;
global using IMessageBus = Wolverine.IMessageBus;

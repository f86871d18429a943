using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AssetLedger.Core.Distribution;

namespace AssetLedger.Api.Infrastructure;

/// <summary>
/// Regime parameters are a closed hierarchy in the core; they are stored and shown with a
/// <c>regime</c> discriminator. Configured here so the core stays free of serializer attributes.
/// </summary>
public static class Polymorphism
{
    public static void Configure(JsonSerializerOptions options)
    {
        var resolver = options.TypeInfoResolver as DefaultJsonTypeInfoResolver ?? new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(info =>
        {
            if (info.Type != typeof(RegimeParameters)) return;
            info.PolymorphismOptions = new JsonPolymorphismOptions
            {
                TypeDiscriminatorPropertyName = "regime",
                DerivedTypes =
                {
                    new JsonDerivedType(typeof(BilateralParameters), RegimeIds.Bilateral),
                    new JsonDerivedType(typeof(Uncac57Parameters), RegimeIds.Uncac57),
                    new JsonDerivedType(typeof(UsEquitableParameters), RegimeIds.UsEquitable),
                    new JsonDerivedType(typeof(UkArisParameters), RegimeIds.UkAris),
                },
            };
        });
        options.TypeInfoResolver = resolver;
    }
}

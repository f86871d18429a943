using System.Text;
using AssetLedger.Api.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace AssetLedger.Api.Tests.Security;

using AssetLedger.Api.Tests.Infrastructure;

/// <summary>The bearer handler remembers valid tokens only, only the exact token, and never past expiry or <see cref="ValidatedTokenCache.MaxAge"/>.</summary>
public sealed class when_validated_tokens_are_remembered
{
    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static TokenValidationParameters Parameters() => new()
    {
        ValidateIssuer = true, ValidateAudience = true, ValidateLifetime = true, RequireExpirationTime = true,
        RequireSignedTokens = true, ValidateIssuerSigningKey = true, ClockSkew = TimeSpan.FromSeconds(30),
        ValidIssuer = Auth.Issuer, ValidAudience = Auth.Audience, ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ApiFixture.SigningKey)),
    };

    [Fact]
    public async Task a_valid_token_is_checked_once_and_then_served_from_memory()
    {
        var handler = new ValidatedTokenCache(new Clock(DateTimeOffset.UtcNow));
        var token = ForgedTokens.Jwt();
        var first = await handler.ValidateTokenAsync(token, Parameters());
        var second = await handler.ValidateTokenAsync(token, Parameters());
        Assert.True(first.IsValid);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task a_token_differing_in_its_signature_is_refused_even_after_the_valid_one_was_remembered()
    {
        var handler = new ValidatedTokenCache(new Clock(DateTimeOffset.UtcNow));
        var token = ForgedTokens.Jwt();
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        var tampered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        Assert.False((await handler.ValidateTokenAsync(tampered, Parameters())).IsValid);
        Assert.False((await handler.ValidateTokenAsync(ForgedTokens.Jwt(key: ForgedTokens.OtherKey), Parameters())).IsValid);
    }

    [Fact]
    public async Task a_refused_token_is_checked_again_every_time()
    {
        var handler = new ValidatedTokenCache(new Clock(DateTimeOffset.UtcNow));
        var expired = ForgedTokens.Jwt(notBeforeFromNow: TimeSpan.FromHours(-2), expiresFromNow: TimeSpan.FromHours(-1));
        var first = await handler.ValidateTokenAsync(expired, Parameters());
        var second = await handler.ValidateTokenAsync(expired, Parameters());
        Assert.False(first.IsValid);
        Assert.False(second.IsValid);
        Assert.NotSame(first, second);
    }

    [Theory]
    [InlineData(10, 11)]   // a token expiring in 10 minutes is remembered for at most MaxAge (5 minutes)
    [InlineData(2, 3)]     // a token expiring in 2 minutes is not remembered past its expiry
    public async Task an_entry_is_not_used_after_the_token_expires_or_after_the_maximum_age(int expiresInMinutes, int laterMinutes)
    {
        var clock = new Clock(DateTimeOffset.UtcNow);
        var handler = new ValidatedTokenCache(clock);
        var token = ForgedTokens.Jwt(expiresFromNow: TimeSpan.FromMinutes(expiresInMinutes));
        var first = await handler.ValidateTokenAsync(token, Parameters());
        Assert.True(first.IsValid);

        clock.Now += TimeSpan.FromMinutes(Math.Min(expiresInMinutes, ValidatedTokenCache.MaxAge.TotalMinutes) - 0.5);
        Assert.Same(first, await handler.ValidateTokenAsync(token, Parameters()));

        clock.Now += TimeSpan.FromMinutes(laterMinutes - Math.Min(expiresInMinutes, ValidatedTokenCache.MaxAge.TotalMinutes) + 0.5);
        Assert.NotSame(first, await handler.ValidateTokenAsync(token, Parameters()));
    }
}

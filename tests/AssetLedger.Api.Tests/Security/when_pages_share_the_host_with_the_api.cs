using AssetLedger.Api.Infrastructure;
using AssetLedger.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace AssetLedger.Api.Tests.Security;

/// <summary>
/// The web pages are not API routes: the role matrix covers /api only, and the pages take their
/// permissions from the same table. With the pages mapped, the start-up check still passes, and
/// still fails for a new /api route without a rule.
/// </summary>
public sealed class when_pages_share_the_host_with_the_api(ApiFixture fixture) : ApiTest(fixture)
{
    private IReadOnlyList<EndpointDataSource> Sources => Fixture.Host.Services.GetServices<EndpointDataSource>().ToList();

    [Fact]
    public void the_pages_are_mapped_outside_api_and_the_matrix_check_passes()
    {
        var patterns = Sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>() is not null)
            .Select(e => (e.RoutePattern.RawText ?? "").TrimStart('/')).ToList();
        Assert.Contains("cases/{caseId}", patterns);
        Assert.Contains("assets/{assetId}", patterns);
        Assert.DoesNotContain(patterns, p => p.StartsWith("api/", StringComparison.Ordinal));
        RoleMatrix.AssertComplete(Sources);
    }

    [Fact]
    public void a_new_api_route_without_a_rule_still_fails_the_check()
    {
        var extra = new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse("/api/cases/{caseId}/exports"), 0,
            new EndpointMetadataCollection(new HttpMethodMetadata(["GET"])), "unruled");
        var error = Assert.Throws<InvalidOperationException>(() =>
            RoleMatrix.AssertComplete([.. Sources, new DefaultEndpointDataSource(extra)]));
        Assert.Contains("GET /api/cases/{caseId}/exports", error.Message);
    }
}

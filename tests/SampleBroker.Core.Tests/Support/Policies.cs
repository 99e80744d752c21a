using Microsoft.Extensions.Options;
using SampleBroker.Biobanks;
using SampleBroker.Configuration;

namespace SampleBroker.Tests.Support;

internal static class Policies
{
    public static EndpointPolicy Endpoints(bool allowInsecure) =>
        new(Options.Create(new SampleBrokerOptions { AllowInsecureBiobankEndpoints = allowInsecure, AllowInsecureCallbackUrls = allowInsecure }));
}

using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Moq;
using SampleBroker.Biobanks;
using SampleBroker.Http;
using SampleBroker.Organisations;
using SampleBroker.Requests;

namespace SampleBroker.Functions.Tests;

/// <summary>The HTTP triggers, each run on the core as the Functions app registers it, with storage faked at its transport.</summary>
public sealed class HttpFunctionsTests : IDisposable
{
    private readonly FakeStorage storage = new();
    private readonly Microsoft.Extensions.DependencyInjection.ServiceProvider services;
    private readonly Mock<DurableTaskClient> durable = new("test");

    public HttpFunctionsTests()
    {
        services = TestServices.Create(storage);
    }

    public void Dispose()
    {
        services.Dispose();
        storage.Dispose();
    }

    [Fact]
    public async Task Health_is_200_Healthy_while_storage_answers()
    {
        var req = TestServices.Request(services, "GET");

        var answer = await (await new HealthFunctions(services.Get<HealthHandler>()).GetHealthAsync(req)).ExecuteAsync(req);

        Assert.Equal(200, answer.Status);
        Assert.StartsWith("application/json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal("Healthy", answer.Json.GetProperty("status").GetString());
        Assert.NotEmpty(storage.Calls);
    }

    [Fact]
    public async Task Health_is_503_Unhealthy_when_storage_is_unreachable()
    {
        storage.Unreachable = true;
        var req = TestServices.Request(services, "GET");

        var answer = await (await new HealthFunctions(services.Get<HealthHandler>()).GetHealthAsync(req)).ExecuteAsync(req);

        Assert.Equal(503, answer.Status);
        Assert.Equal("Unhealthy", answer.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_document_is_served_as_OpenAPI_3_json_without_a_key()
    {
        var req = TestServices.Request(services, "GET");

        var answer = await (await OpenApiFunctions.GetOpenApi(req)).ExecuteAsync(req);

        Assert.Equal(200, answer.Status);
        Assert.StartsWith("application/json", answer.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("3.", answer.Json.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.True(answer.Json.GetProperty("paths").TryGetProperty("/" + ApiRoutes.SampleRequests, out _));
    }

    [Fact]
    public async Task Submit_without_api_key_is_401_problem_and_schedules_nothing()
    {
        var req = TestServices.Request(services, "POST", apiKey: null, json: """{"criteria":{"sampleTypes":["blood-serum"]},"quantity":10}""");

        var answer = await (await new SampleRequestFunctions(services.Get<SampleRequestHandlers>()).SubmitAsync(req, durable.Object)).ExecuteAsync(req);

        answer.AssertProblem(401);
        AssertNothingScheduled();
        Assert.Empty(storage.Calls);
    }

    [Fact]
    public async Task Submit_with_unknown_api_key_is_401_problem_and_schedules_nothing()
    {
        var req = TestServices.Request(services, "POST", apiKey: "sb-unknown-key", json: """{"criteria":{"sampleTypes":["blood-serum"]},"quantity":10}""");

        var answer = await (await new SampleRequestFunctions(services.Get<SampleRequestHandlers>()).SubmitAsync(req, durable.Object)).ExecuteAsync(req);

        answer.AssertProblem(401);
        AssertNothingScheduled();
        var lookup = Assert.Single(storage.Calls);
        Assert.DoesNotContain("sb-unknown-key", lookup.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_with_staff_key_is_403_problem_and_schedules_nothing()
    {
        var req = TestServices.Request(services, "POST", TestServices.StaffKey, """{"criteria":{"sampleTypes":["blood-serum"]},"quantity":10}""");

        var answer = await (await new SampleRequestFunctions(services.Get<SampleRequestHandlers>()).SubmitAsync(req, durable.Object)).ExecuteAsync(req);

        answer.AssertProblem(403);
        AssertNothingScheduled();
    }

    [Fact]
    public async Task Get_sample_request_with_malformed_id_is_404_like_an_unknown_one()
    {
        var req = TestServices.Request(services, "GET", TestServices.StaffKey);

        var answer = await (await new SampleRequestFunctions(services.Get<SampleRequestHandlers>()).GetAsync(req, "../../etc")).ExecuteAsync(req);

        answer.AssertProblem(404);
        Assert.Empty(storage.Calls);
    }

    [Fact]
    public async Task List_sample_requests_with_staff_key_is_403_problem()
    {
        var req = TestServices.Request(services, "GET", TestServices.StaffKey);

        var answer = await (await new SampleRequestFunctions(services.Get<SampleRequestHandlers>()).ListAsync(req)).ExecuteAsync(req);

        answer.AssertProblem(403);
        Assert.Empty(storage.Calls);
    }

    [Fact]
    public async Task Cancel_with_staff_key_is_403_problem_and_raises_no_cancel_event()
    {
        var req = TestServices.Request(services, "POST", TestServices.StaffKey);

        var answer = await (await new SampleRequestFunctions(services.Get<SampleRequestHandlers>()).CancelAsync(req, "0196a3b1c2d34e5f8a9b0c1d2e3f4a5b", durable.Object)).ExecuteAsync(req);

        answer.AssertProblem(403);
        durable.Verify(
            c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()),
            Times.Never);
    }

    [Fact]
    public async Task Put_organisation_without_api_key_is_401_problem()
    {
        var req = TestServices.Request(services, "PUT", apiKey: null, json: """{"name":"Acme","country":"BE"}""");

        var answer = await (await new OrganisationFunctions(services.Get<OrganisationHandlers>()).PutOrganisationAsync(req, "acme-dx")).ExecuteAsync(req);

        answer.AssertProblem(401);
        Assert.Empty(storage.Calls);
    }

    [Fact]
    public async Task Put_organisation_with_malformed_id_is_400_problem_and_stores_nothing()
    {
        var req = TestServices.Request(services, "PUT", TestServices.StaffKey, """{"name":"Acme","country":"BE"}""");

        var answer = await (await new OrganisationFunctions(services.Get<OrganisationHandlers>()).PutOrganisationAsync(req, "Acme Diagnostics")).ExecuteAsync(req);

        answer.AssertProblem(400);
        Assert.Empty(storage.Calls);
    }

    [Fact]
    public async Task Issue_api_key_for_unknown_organisation_is_404_problem()
    {
        var req = TestServices.Request(services, "POST", TestServices.StaffKey);

        var answer = await (await new OrganisationFunctions(services.Get<OrganisationHandlers>()).IssueApiKeyAsync(req, "nobody")).ExecuteAsync(req);

        answer.AssertProblem(404);
        Assert.DoesNotContain(storage.Calls, c => c.Method != HttpMethod.Get);
    }

    [Fact]
    public async Task Revoke_api_key_with_malformed_key_id_is_400_problem()
    {
        var req = TestServices.Request(services, "DELETE", TestServices.StaffKey);

        var answer = await (await new OrganisationFunctions(services.Get<OrganisationHandlers>()).RevokeApiKeyAsync(req, "acme-dx", "not a key id")).ExecuteAsync(req);

        answer.AssertProblem(400);
        Assert.Empty(storage.Calls);
    }

    [Fact]
    public async Task List_biobanks_of_an_empty_registry_is_200_with_no_items()
    {
        var req = TestServices.Request(services, "GET", TestServices.StaffKey);

        var answer = await (await new BiobankFunctions(services.Get<BiobankHandlers>()).ListBiobanksAsync(req)).ExecuteAsync(req);

        Assert.Equal(200, answer.Status);
        Assert.Equal(0, answer.Json.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Put_biobank_with_invalid_body_is_400_validation_problem_naming_each_field()
    {
        var req = TestServices.Request(services, "PUT", TestServices.StaffKey, """{"name":"","country":"XX","answerTimeoutSeconds":99}""");

        var answer = await (await new BiobankFunctions(services.Get<BiobankHandlers>()).PutBiobankAsync(req, "bb-torino")).ExecuteAsync(req);

        answer.AssertProblem(400);
        var errors = answer.Json.GetProperty("errors");
        foreach (var field in new[] { "name", "country", "endpointUrl", "answerTimeoutSeconds" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for '{field}' in {errors}");
        }

        Assert.Empty(storage.Calls);
    }

    [Fact]
    public async Task Get_biobank_requested_by_a_requester_key_unknown_to_storage_is_401_problem()
    {
        var req = TestServices.Request(services, "GET", "sb-some-requester-key");

        var answer = await (await new BiobankFunctions(services.Get<BiobankHandlers>()).GetBiobankAsync(req, "bb-torino")).ExecuteAsync(req);

        answer.AssertProblem(401);
    }

    [Fact]
    public async Task Get_biobank_with_malformed_id_is_400_problem()
    {
        var req = TestServices.Request(services, "GET", TestServices.StaffKey);

        var answer = await (await new BiobankFunctions(services.Get<BiobankHandlers>()).GetBiobankAsync(req, "BB_TORINO")).ExecuteAsync(req);

        answer.AssertProblem(400);
        Assert.Empty(storage.Calls);
    }

    [Fact]
    public async Task Biobank_answer_with_malformed_biobank_id_is_400_problem_and_raises_no_event()
    {
        var req = TestServices.Request(services, "POST", apiKey: null, json: """{"availableSamples":3}""");

        var answer = await (await new BiobankAnswerFunctions(services.Get<BiobankAnswerHandlers>()).ReceiveAsync(req, "BB TORINO", "q_1_bb-torino", durable.Object)).ExecuteAsync(req);

        answer.AssertProblem(400);
        durable.Verify(
            c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()),
            Times.Never);
        Assert.Empty(storage.Calls);
    }

    private void AssertNothingScheduled() =>
        durable.Verify(
            c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()),
            Times.Never);
}

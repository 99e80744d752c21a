using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SampleBroker.Testing;

/// <summary>The broker's HTTP API as the tests call it: staff setup, submissions and polling.</summary>
public sealed class BrokerApi(Uri baseAddress) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public HttpClient Http => http;

    /// <summary>Creates an organisation and issues it a requester key.</summary>
    public async Task<string> CreateRequesterAsync(string organisationId) => (await CreateRequesterWithSecretAsync(organisationId)).ApiKey;

    /// <summary>Creates an organisation, issues it a requester key, and returns the key and the organisation's webhook secret.</summary>
    public async Task<(string ApiKey, string WebhookSecret)> CreateRequesterWithSecretAsync(string organisationId)
    {
        using var put = await SendAsync(HttpMethod.Put, $"/api/v1/admin/organisations/{organisationId}", LocalHostProcess.StaffKey, new { name = "Acme " + organisationId, country = "BE" });
        await ExpectAsync(put, HttpStatusCode.Created);
        var secret = (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhookSecret").GetString()!;
        using var key = await SendAsync(HttpMethod.Post, $"/api/v1/admin/organisations/{organisationId}/api-keys", LocalHostProcess.StaffKey, null);
        await ExpectAsync(key, HttpStatusCode.Created);
        return ((await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString()!, secret);
    }

    /// <summary>Registers a biobank and hands the fake the signing secret the broker issued.</summary>
    public async Task RegisterAsync(string biobankId, FakeBiobank fake, object? settings = null)
    {
        var body = settings ?? new { name = "Biobank " + biobankId, country = "IT", endpointUrl = fake.EndpointUrl };
        using var put = await SendAsync(HttpMethod.Put, $"/api/v1/admin/biobanks/{biobankId}", LocalHostProcess.StaffKey, body);
        await ExpectAsync(put, HttpStatusCode.Created);
        fake.SigningSecret = (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signingSecret").GetString();
    }

    public async Task<string> SubmitAsync(string apiKey, object body)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/sample-requests", apiKey, body);
        await ExpectAsync(response, HttpStatusCode.Accepted);
        var requestId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        if (response.Headers.Location?.OriginalString != $"/api/v1/sample-requests/{requestId}")
        {
            throw new InvalidOperationException($"Location {response.Headers.Location} does not name request {requestId}.");
        }

        return requestId;
    }

    public async Task<JsonElement> GetAsync(string apiKey, string requestId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/v1/sample-requests/{requestId}", apiKey, null);
        await ExpectAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// Reads the request every 50 ms, on a fixed cadence as a client's timer sends them (not 50 ms after
    /// each answer), until it leaves <c>Brokering</c>.
    /// </summary>
    public async Task<JsonElement> WaitUntilFinishedAsync(string apiKey, string requestId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var every50Ms = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (true)
        {
            var request = await GetAsync(apiKey, requestId);
            if (request.GetProperty("status").GetString() != "Brokering")
            {
                return request;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Request {requestId} still Brokering after {timeout}: {request}");
            }

            await every50Ms.WaitForNextTickAsync();
        }
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? apiKey, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request);
    }

    public void Dispose() => http.Dispose();

    /// <summary>Fails with the problem the broker answered when the status is not the expected one.</summary>
    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new HttpRequestException($"Expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}

using System.Text;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Moq;
using SampleBroker.Requests;

namespace SampleBroker.Functions.Tests;

public sealed class QueueFunctionsTests : IDisposable
{
    private readonly FakeStorage storage = new();
    private readonly Microsoft.Extensions.DependencyInjection.ServiceProvider services;
    private readonly Mock<DurableTaskClient> durable = new("test");

    public QueueFunctionsTests()
    {
        services = TestServices.Create(storage);
    }

    public void Dispose()
    {
        services.Dispose();
        storage.Dispose();
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("""{"organisationId":"acme-dx","request":{"criteria":{"sampleTypes":["blood-serum"]},"quantity":10}}""")]
    public async Task Malformed_message_goes_to_the_poison_queue_unchanged_and_starts_nothing(string message)
    {
        await new QueueFunctions(services.Get<QueueIntake>()).IntakeAsync(message, durable.Object, CancellationToken.None);

        AssertPoisoned(message);
        AssertNothingScheduled();
    }

    [Fact]
    public async Task Message_for_an_unknown_organisation_goes_to_the_poison_queue_and_starts_nothing()
    {
        const string message = """{"organisationId":"nobody","idempotencyKey":"batch-7-line-3","request":{"criteria":{"sampleTypes":["blood-serum"]},"quantity":10}}""";

        await new QueueFunctions(services.Get<QueueIntake>()).IntakeAsync(message, durable.Object, CancellationToken.None);

        Assert.Contains(storage.Calls, c => c.Method == HttpMethod.Get && c.PathAndQuery.Contains("RowKey='nobody'", StringComparison.Ordinal));
        AssertPoisoned(message);
        AssertNothingScheduled();
    }

    [Fact]
    public async Task Storage_fault_throws_so_the_runtime_retries_and_poisons_after_max_dequeue_count()
    {
        storage.Unreachable = true;
        const string message = """{"organisationId":"acme-dx","idempotencyKey":"k-1","request":{"criteria":{"sampleTypes":["blood-serum"]},"quantity":10}}""";

        await Assert.ThrowsAnyAsync<Exception>(() => new QueueFunctions(services.Get<QueueIntake>()).IntakeAsync(message, durable.Object, CancellationToken.None));

        Assert.DoesNotContain(storage.Calls, c => c.Method == HttpMethod.Post);
        AssertNothingScheduled();
    }

    private void AssertPoisoned(string message)
    {
        var sent = Assert.Single(storage.Calls, c => c.Method == HttpMethod.Post);
        Assert.StartsWith("/devstoreaccount1/sample-requests-poison/messages", sent.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains($"<MessageText>{Convert.ToBase64String(Encoding.UTF8.GetBytes(message))}</MessageText>", sent.Body, StringComparison.Ordinal);
    }

    private void AssertNothingScheduled() =>
        durable.Verify(
            c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()),
            Times.Never);
}

using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;
using SampleBroker.Monitoring;
using SampleBroker.Storage;

namespace SampleBroker.Tests.Monitoring;

public sealed class AuditLogTests
{
    [Fact]
    public async Task Recording_an_entry_while_storage_is_unreachable_logs_an_error_and_does_not_throw()
    {
        // Nothing listens on port 9 (discard) on loopback; no retries keep the test fast.
        var service = new TableServiceClient(
            new Uri("http://127.0.0.1:9/devstoreaccount1"),
            new TableSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[64])),
            new TableClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(2) } });
        var tables = new BrokerTables(service, Options.Create(new SampleBrokerOptions()));
        var logger = new ListLogger();
        var audit = new AuditLog(tables, TimeProvider.System, logger);

        await audit.RecordAsync("staff_0123456789abcdef", AuditActions.BiobankDeleted, "biobank:bb-x", null, CancellationToken.None);

        var (level, message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, level);
        Assert.Contains("biobank.deleted", message, StringComparison.Ordinal);
        Assert.Contains("staff_0123456789abcdef", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bootstrap", true)]
    [InlineData("system", true)]
    [InlineData("staff_0123456789abcdef", true)]
    [InlineData("key_0123456789abcdef", true)]
    [InlineData("biobank:bb-torino", true)]
    [InlineData("biobank:", false)]
    [InlineData("staff:bootstrap", false)]
    [InlineData("sbs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    [InlineData("' or PartitionKey ne '", false)]
    public void Actor_filters_accept_only_the_actors_the_log_can_hold(string actor, bool accepted)
    {
        Assert.Equal(accepted, AuditLog.IsActor(actor));
    }

    private sealed class ListLogger : ILogger<AuditLog>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}

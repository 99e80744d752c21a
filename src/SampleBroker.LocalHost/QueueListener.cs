using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.DurableTask.Client;
using SampleBroker.Requests;
using SampleBroker.Storage;

namespace SampleBroker.LocalHost;

/// <summary>
/// Polls <c>sample-requests</c> the way the Functions queue trigger does, with the settings of
/// <c>host.json</c> (<c>extensions.queues</c>): a message is deleted once handled, becomes visible again
/// after a failure, and goes to <c>sample-requests-poison</c> after <c>maxDequeueCount</c> attempts.
/// What a message means is decided by the core's <see cref="QueueIntake"/>, as in the Functions app.
/// </summary>
public sealed class QueueListener(
    BrokerQueues queues,
    QueueIntake intake,
    DurableTaskClient durable,
    QueueSettings settings,
    StorageClients storage,
    ILogger<QueueListener> logger) : BackgroundService
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Messages are received as stored and decoded here, so one that is not base64 or not UTF-8 can be
    // moved to poison exactly as it came instead of failing the whole batch.
    private readonly QueueClient poisonAsReceived = storage.CreateQueueClient(queues.Poison.Name, QueueMessageEncoding.None);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = storage.CreateQueueClient(queues.Requests.Name, QueueMessageEncoding.None);
        var idle = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                messages = (await queue.ReceiveMessagesAsync(settings.BatchSize, settings.VisibilityTimeout, stoppingToken).ConfigureAwait(false)).Value;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Polling {Queue} failed: {Reason}", queue.Name, e.Message);
                messages = [];
            }

            if (messages.Length == 0)
            {
                // Back off like the Functions host does, up to its maxPollingInterval.
                await Task.Delay(idle, stoppingToken).ConfigureAwait(false);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, settings.MaxPollingInterval.Ticks));
                continue;
            }

            idle = TimeSpan.FromMilliseconds(100);
            await Task.WhenAll(messages.Select(m => HandleAsync(queue, m, stoppingToken))).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        var text = Decode(message.MessageText);
        try
        {
            if (text is null)
            {
                await PoisonAsReceivedAsync(message, "the message is not base64-encoded UTF-8", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await intake.HandleAsync(text, durable, cancellationToken).ConfigureAwait(false);
            }

            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                await PoisonAsReceivedAsync(message, $"failed {message.DequeueCount} times: {e.Message}", cancellationToken).ConfigureAwait(false);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                logger.LogWarning("Queue message {MessageId} failed (attempt {Attempt}), will retry: {Reason}", message.MessageId, message.DequeueCount, e.Message);
            }
        }
    }

    /// <summary>The message's text, as the Functions runtime decodes it (base64, then UTF-8), or null.</summary>
    public static string? Decode(string stored)
    {
        var bytes = new byte[stored.Length];
        if (!Convert.TryFromBase64String(stored, bytes, out var length))
        {
            return null;
        }

        try
        {
            return StrictUtf8.GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private async Task PoisonAsReceivedAsync(QueueMessage message, string reason, CancellationToken cancellationToken)
    {
        logger.LogWarning("Queue message {MessageId} moved to {Queue}: {Reason}", message.MessageId, poisonAsReceived.Name, reason);
        await poisonAsReceived.SendMessageAsync(message.MessageText, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The queue settings of <c>host.json</c>, read so both hosts retry and poison alike.</summary>
public sealed record QueueSettings(int BatchSize, TimeSpan VisibilityTimeout, int MaxDequeueCount, TimeSpan MaxPollingInterval)
{
    public static QueueSettings Defaults { get; } = new(16, TimeSpan.FromSeconds(30), 5, TimeSpan.FromSeconds(2));

    /// <summary>Reads <c>extensions.queues</c> from the host.json nearest to <paramref name="start"/>.</summary>
    public static QueueSettings FromHostJson(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "host.json");
            if (!File.Exists(path))
            {
                continue;
            }

            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (!document.RootElement.TryGetProperty("extensions", out var extensions) || !extensions.TryGetProperty("queues", out var q))
            {
                return Defaults;
            }

            return new QueueSettings(
                q.TryGetProperty("batchSize", out var b) ? b.GetInt32() : Defaults.BatchSize,
                q.TryGetProperty("visibilityTimeout", out var v) ? TimeSpan.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : Defaults.VisibilityTimeout,
                q.TryGetProperty("maxDequeueCount", out var m) ? m.GetInt32() : Defaults.MaxDequeueCount,
                q.TryGetProperty("maxPollingInterval", out var p) ? TimeSpan.Parse(p.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : Defaults.MaxPollingInterval);
        }

        return Defaults;
    }
}

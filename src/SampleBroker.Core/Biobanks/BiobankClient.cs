using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;
using SampleBroker.Configuration;
using SampleBroker.Http;
using SampleBroker.Monitoring;
using SampleBroker.Protocol.Webhooks;

namespace SampleBroker.Biobanks;

/// <summary>What came of sending one query to a biobank, after retries.</summary>
public abstract record QueryDelivery(long LatencyMs)
{
    /// <summary><c>200</c>: the biobank answered at once; the body is still to be checked.</summary>
    public sealed record Answered(byte[] Body, long LatencyMs) : QueryDelivery(LatencyMs);

    /// <summary><c>202</c>: the biobank will answer through its callback URL.</summary>
    public sealed record Accepted(long LatencyMs) : QueryDelivery(LatencyMs);

    /// <summary>No usable answer: retries exhausted, a non-retryable status, or an open circuit.</summary>
    public sealed record Failed(string Error, long LatencyMs) : QueryDelivery(LatencyMs);

    /// <summary>The request's deadline passed while still trying.</summary>
    public sealed record DeadlinePassed(long LatencyMs) : QueryDelivery(LatencyMs);
}

/// <summary>
/// Sends signed queries to biobank adapters (contract section 5). Polly owns every HTTP concern: the
/// per-attempt timeout (<c>answerTimeoutSeconds</c>, which bounds connecting too), retries with
/// exponential backoff and jitter on 408/429/5xx and transport errors while the deadline allows, and
/// one circuit breaker per biobank (<see cref="SharedCircuitBreaker"/>, shared by every instance).
/// </summary>
public sealed class BiobankClient(IHttpClientFactory httpClients, SharedCircuitBreaker breaker, IOptions<SampleBrokerOptions> options, TimeProvider time) : IDisposable
{
    /// <summary>The HTTP client for queries to biobanks (<see cref="EndpointKind.BiobankEndpoint"/>).</summary>
    public const string HttpClientName = "outbound";

    /// <summary>The HTTP client for completion callbacks to requesters (<see cref="EndpointKind.CallbackUrl"/>).</summary>
    public const string CallbackHttpClientName = "outbound-callbacks";

    private static readonly ResiliencePropertyKey<TimeSpan> AttemptTimeout = new("sb-attempt-timeout");

    /// <summary>
    /// How long the connect of one request may take: its attempt's timeout. Set on every outgoing request,
    /// because the handler may go on connecting after the request that asked for the connection gave up.
    /// </summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> ConnectBudget = new("sb-connect-budget");

    /// <summary>The connect budget of a request that names none.</summary>
    private static readonly TimeSpan DefaultConnectBudget = TimeSpan.FromSeconds(10);

    private readonly ResiliencePipelineRegistry<string> pipelines = new();

    public async Task<QueryDelivery> SendAsync(BiobankRecord biobank, string messageId, byte[] body, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(biobank);
        var started = Stopwatch.GetTimestamp();
        long Elapsed() => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        var untilDeadline = deadline - time.GetUtcNow();
        if (untilDeadline <= TimeSpan.Zero)
        {
            return new QueryDelivery.DeadlinePassed(0);
        }

        using var deadlineCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadlineCts.CancelAfter(untilDeadline);
        var context = ResilienceContextPool.Shared.Get(deadlineCts.Token);
        context.Properties.Set(AttemptTimeout, TimeSpan.FromSeconds(biobank.AnswerTimeoutSeconds));
        try
        {
            var attempt = await Pipeline(biobank.BiobankId).ExecuteAsync(
                static async (ctx, state) => await state.Client.TracedPostAsync(state.Biobank, state.MessageId, state.Body, ++state.Attempts.Value, ctx.CancellationToken).ConfigureAwait(false),
                context,
                (Client: this, Biobank: biobank, MessageId: messageId, Body: body, Attempts: new System.Runtime.CompilerServices.StrongBox<int>(0))).ConfigureAwait(false);
            return attempt.Status switch
            {
                200 when attempt.Body is not null => new QueryDelivery.Answered(attempt.Body, Elapsed()),
                200 => new QueryDelivery.Failed("invalid answer", Elapsed()),
                202 => new QueryDelivery.Accepted(Elapsed()),
                _ => new QueryDelivery.Failed($"adapter answered HTTP {attempt.Status}", Elapsed()),
            };
        }
        catch (BrokenCircuitException)
        {
            return new QueryDelivery.Failed("circuit open: the biobank failed repeatedly, not contacted", Elapsed());
        }
        catch (OperationCanceledException) when (deadlineCts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new QueryDelivery.DeadlinePassed(Elapsed());
        }
        catch (TimeoutRejectedException)
        {
            return new QueryDelivery.Failed($"no answer within {biobank.AnswerTimeoutSeconds} s", Elapsed());
        }
        catch (HttpRequestException e)
        {
            return new QueryDelivery.Failed(e.HttpRequestError == HttpRequestError.Unknown ? "connection failed" : $"connection failed ({e.HttpRequestError})", Elapsed());
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The circuit breaker's state for a biobank, as the health view names it.</summary>
    public Task<string> CircuitStateOfAsync(string biobankId, CancellationToken cancellationToken) => breaker.StateOfAsync(biobankId, cancellationToken);

    private ResiliencePipeline<Attempt> Pipeline(string biobankId) => pipelines.GetOrAddPipeline<Attempt>(biobankId, builder =>
    {
        var retryable = new PredicateBuilder<Attempt>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(a => IsRetryable(a.Status));
        builder
            .AddRetry(new RetryStrategyOptions<Attempt>
            {
                ShouldHandle = retryable,
                MaxRetryAttempts = Math.Max(0, options.Value.MaxAttemptsPerQuery - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(10),
            })
            .AddStrategy(_ => new SharedCircuitStrategy(breaker, biobankId))
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(AttemptTimeout, TimeSpan.FromSeconds(10))),
            });
    });

    public void Dispose() => pipelines.Dispose();

    private static bool IsRetryable(int status) => status is 408 or 429 or >= 500;

    /// <summary>An attempt that counts against the biobank: a transport error, a timed-out attempt, or a retryable status.</summary>
    private static bool IsFailure(Outcome<Attempt> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException || (outcome.Result is { } a && IsRetryable(a.Status));

    /// <summary>One HTTP attempt as a <c>biobank.call</c> span under the activity's span, whose request and query it names too.</summary>
    private async Task<Attempt> TracedPostAsync(BiobankRecord biobank, string messageId, byte[] body, int attempt, CancellationToken cancellationToken)
    {
        var parent = Activity.Current;
        using var span = BrokerTelemetry.Source.StartActivity("biobank.call", ActivityKind.Client);
        span?.SetTag(BrokerTelemetry.Tags.BiobankId, biobank.BiobankId);
        span?.SetTag(BrokerTelemetry.Tags.RequestId, parent?.GetTagItem(BrokerTelemetry.Tags.RequestId));
        span?.SetTag(BrokerTelemetry.Tags.QueryId, parent?.GetTagItem(BrokerTelemetry.Tags.QueryId));
        span?.SetTag(BrokerTelemetry.Tags.Attempt, attempt);
        try
        {
            var result = await PostAsync(biobank, messageId, body, cancellationToken).ConfigureAwait(false);
            span?.SetTag(BrokerTelemetry.Tags.Outcome, "HTTP " + result.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (IsRetryable(result.Status))
            {
                span?.SetStatus(ActivityStatusCode.Error);
            }

            return result;
        }
        catch (Exception e)
        {
            span?.SetTag(BrokerTelemetry.Tags.Outcome, e is OperationCanceledException ? "timeout" : "connection failed");
            span?.SetStatus(ActivityStatusCode.Error);
            throw;
        }
    }

    private async Task<Attempt> PostAsync(BiobankRecord biobank, string messageId, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, biobank.EndpointUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        // The attempt's own timeout ends a connect that hangs (its cancellation reaches the connect), and is
        // reported as the timeout it is; the budget is a backstop a little longer, so the two never race.
        request.Options.Set(ConnectBudget, TimeSpan.FromSeconds(biobank.AnswerTimeoutSeconds) + TimeSpan.FromSeconds(1));

        // Signed per attempt: the id stays, the timestamp is fresh so a retry is never stale.
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Add(WebhookHeaders.Id, messageId);
        request.Headers.Add(WebhookHeaders.Timestamp, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookHeaders.Signature, WebhookSigner.Sign(messageId, timestamp, body, biobank.SigningSecrets));

        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Cancelled by nothing of ours (a handler-level timeout): a transport failure of this attempt,
            // retried like any other, never an exception that escapes the pipeline.
            throw new HttpRequestException(HttpRequestError.ConnectionError, "The connection timed out.", e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status != 200)
            {
                return new Attempt(status, null);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new Attempt(status, await JsonBody.ReadBoundedAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// The handler behind <see cref="HttpClientName"/> and <see cref="CallbackHttpClientName"/>: no
    /// redirects, and every connection checked again against the endpoint policy for
    /// <paramref name="kind"/> after DNS resolution, so a host cannot be re-pointed at an internal
    /// address. Connecting is bounded by the request's <see cref="ConnectBudget"/> (its attempt's
    /// timeout), not by a handler-wide connect timeout, which would surface as a cancellation outside
    /// the retry policy; so an attempt that gives up also ends the connect it started, and the next
    /// attempt connects afresh. <paramref name="connect"/> replaces the socket connect, for tests.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(EndpointPolicy policy, EndpointKind kind, Func<IPAddress[], int, CancellationToken, ValueTask<Stream>>? connect = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        connect ??= ConnectAsync;
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = Timeout.InfiniteTimeSpan,
            ConnectCallback = async (context, ct) =>
            {
                // The budget covers the name lookup as well as the connect.
                using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
                budget.CancelAfter(context.InitialRequestMessage.Options.TryGetValue(ConnectBudget, out var limit) ? limit : DefaultConnectBudget);
                try
                {
                    var host = context.DnsEndPoint.Host;
                    var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, budget.Token).ConfigureAwait(false);
                    var allowed = addresses.Where(a => policy.IsAllowedAtSendTime(a, kind)).ToArray();
                    if (allowed.Length == 0)
                    {
                        throw new HttpRequestException(HttpRequestError.ConnectionError, "The endpoint resolves only to forbidden addresses.");
                    }

                    return await connect(allowed, context.DnsEndPoint.Port, budget.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (budget.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    throw new HttpRequestException(HttpRequestError.ConnectionError, "The connection was not established in time.", e);
                }
            },
        };
    }

    private static async ValueTask<Stream> ConnectAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The shared circuit breaker as a step of the pipeline, between the retry and the per-attempt
    /// timeout: an open circuit fails the attempt at once (not retried), every attempt's result is counted.
    /// </summary>
    private sealed class SharedCircuitStrategy(SharedCircuitBreaker breaker, string biobankId) : ResilienceStrategy<Attempt>
    {
        protected override async ValueTask<Outcome<Attempt>> ExecuteCore<TState>(Func<ResilienceContext, TState, ValueTask<Outcome<Attempt>>> callback, ResilienceContext context, TState state)
        {
            if (!await breaker.TryEnterAsync(biobankId, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext))
            {
                return Outcome.FromException<Attempt>(new BrokenCircuitException("The biobank's circuit is open."));
            }

            var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
            // A cancellation is the request's deadline or a shutdown, not the biobank's fault.
            if (outcome.Exception is not OperationCanceledException)
            {
                await breaker.RecordAsync(biobankId, succeeded: !IsFailure(outcome), CancellationToken.None).ConfigureAwait(context.ContinueOnCapturedContext);
            }

            return outcome;
        }
    }

    private sealed record Attempt(int Status, byte[]? Body);
}

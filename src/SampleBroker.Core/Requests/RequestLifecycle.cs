using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;
using SampleBroker.Monitoring;
using SampleBroker.Orchestration;

namespace SampleBroker.Requests;

/// <summary>Why a request left <c>Brokering</c>.</summary>
public enum EndReason
{
    /// <summary>Every contacted biobank has a final outcome.</summary>
    AllAnswered,

    /// <summary>The deadline passed; biobanks still pending are <c>TimedOut</c>.</summary>
    DeadlinePassed,

    /// <summary>The requester cancelled it.</summary>
    CancelledByRequester,

    /// <summary>Alliance staff terminated it.</summary>
    TerminatedByStaff,

    /// <summary>The brokering itself broke (its orchestration failed or was lost); staff may restart it.</summary>
    BrokeringFailed,
}

/// <summary>How a request ended: its final status and why. What the brokering orchestration returns.</summary>
public sealed record RequestEnd(RequestStatus Status, EndReason? Reason)
{
    /// <summary>An execution that found another one brokering the request and did nothing.</summary>
    public static RequestEnd Superseded { get; } = new(RequestStatus.Brokering, null);
}

/// <summary>
/// The request's states and transitions (contract sections 4 and 7), the one place they are decided:
/// <c>Brokering</c> ends as <c>Completed</c> (all answered or deadline), <c>Cancelled</c> (requester
/// cancel or staff terminate) or <c>Failed</c> (the brokering broke), and only a <c>Failed</c> request
/// brokers again. Intake, the orchestration, its activities, the handlers, the admin actions and the
/// reconciler all ask here, and every transition is made here: one conditional write on the request
/// row, its timeline event in the same transaction, the audit entry, then the signal to the orchestration.
/// </summary>
public sealed partial class RequestLifecycle(
    SampleRequestStore store,
    AuditLog audit,
    IOptions<SampleBrokerOptions> options,
    TimeProvider time,
    ILogger<RequestLifecycle> logger)
{
    /// <summary>Outcomes that are a biobank's valid answer, kept when a failed request brokers again.</summary>
    public static bool IsValidAnswer(BiobankOutcome outcome) =>
        outcome is BiobankOutcome.Available or BiobankOutcome.NoMatch or BiobankOutcome.BelowReportingThreshold or BiobankOutcome.Declined;

    /// <summary>The final status a reason leads to.</summary>
    public static RequestStatus StatusFor(EndReason reason) => reason switch
    {
        EndReason.AllAnswered or EndReason.DeadlinePassed => RequestStatus.Completed,
        EndReason.CancelledByRequester or EndReason.TerminatedByStaff => RequestStatus.Cancelled,
        _ => RequestStatus.Failed,
    };

    /// <summary>Only a request that is brokering can be cancelled or terminated.</summary>
    public static bool CanCancel(RequestStatus shown) => shown == RequestStatus.Brokering;

    /// <summary>Only a failed request brokers again.</summary>
    public static bool CanRestart(RequestStatus stored) => stored == RequestStatus.Failed;

    /// <summary>Only a finished request can be purged.</summary>
    public static bool CanPurge(RequestStatus shown) => shown != RequestStatus.Brokering;

    /// <summary>
    /// The status readers see. A request whose every contacted biobank answered is <c>Completed</c> by the
    /// contract's definition even before its orchestration has written that down.
    /// </summary>
    public static (RequestStatus Status, DateTimeOffset? CompletedAt) Shown(SampleRequestRecord request, IReadOnlyList<BiobankOffer> offers)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(offers);
        if (request.Status == RequestStatus.Brokering && request.BiobanksContacted == offers.Count && offers.All(o => o.IsFinal && o.AnsweredAt is not null))
        {
            return (RequestStatus.Completed, offers.Select(o => o.AnsweredAt).Max() ?? request.CreatedAt);
        }

        return (request.Status, request.CompletedAt);
    }

    /// <summary>What a biobank still pending shows once the request is final, even if settling its row was cut short.</summary>
    public static BiobankOutcome PendingShownAs(RequestStatus status) => status switch
    {
        RequestStatus.Cancelled => BiobankOutcome.Cancelled,
        RequestStatus.Failed => BiobankOutcome.Failed,
        RequestStatus.Completed => BiobankOutcome.TimedOut,
        _ => BiobankOutcome.Pending,
    };

    /// <summary>
    /// Why the brokering ends when its orchestration stops waiting: a cancel or terminate already stored
    /// decides; otherwise all answered, or the deadline.
    /// </summary>
    public static EndReason EndingOf(SampleRequestRecord request, IReadOnlyList<BiobankOffer> offers, bool cancelSignalled, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(offers);
        if (request.EndReason is { } stored)
        {
            return stored;
        }

        if (offers.All(o => o.IsFinal))
        {
            return EndReason.AllAnswered;
        }

        // Every branch ended before the deadline yet some biobank is pending: its branch broke, and it fails alone.
        return cancelSignalled ? EndReason.CancelledByRequester : now >= request.Deadline ? EndReason.DeadlinePassed : EndReason.AllAnswered;
    }

    /// <summary>
    /// The final outcome of a biobank still pending when the request ends for <paramref name="reason"/>:
    /// cancelled, timed out once the deadline passed, and otherwise failed (its branch broke).
    /// </summary>
    public static BiobankOffer Settle(BiobankOffer pending, EndReason reason, DateTimeOffset deadline, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pending);
        return reason switch
        {
            EndReason.CancelledByRequester or EndReason.TerminatedByStaff => pending with { Outcome = BiobankOutcome.Cancelled },
            _ when now >= deadline => pending with { Outcome = BiobankOutcome.TimedOut },
            EndReason.BrokeringFailed => Biobanks.BiobankAnswerReader.Failed(pending, "the brokering stopped before this biobank answered", now, null),
            _ => Biobanks.BiobankAnswerReader.Failed(pending, "the query could not be processed", now, null),
        };
    }

    /// <summary>The orchestration instance of a generation: the request id for the first, so it is easy to find.</summary>
    public static string InstanceIdOf(string requestId, int generation) => generation <= 1 ? requestId : $"{requestId}-g{generation}";

    /// <summary>How long a claimed start may go without an execution beginning before another may take it over.</summary>
    public static readonly TimeSpan StartClaimTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an orchestration the engine accepted may go without its execution beginning before another
    /// may take the start over: long, because a busy engine may take a while to run a new instance's first
    /// step, and every takeover is one more orchestration.
    /// </summary>
    public static readonly TimeSpan ScheduledStartTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Whether the engine accepted the current generation's orchestration (its schedule call returned).</summary>
    public static bool StartIsScheduled(SampleRequestRecord request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ScheduledGeneration == request.Generation && request.StartScheduledAt is not null;
    }

    /// <summary>
    /// Whether a brokering request's start is held by nobody alive: no execution began, and the claim is old
    /// (30 s when it was never handed to the engine, 5 min when it was).
    /// </summary>
    public static bool StartIsStale(SampleRequestRecord request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Status != RequestStatus.Brokering || request.ExecutionToken is not null)
        {
            return false;
        }

        return StartIsScheduled(request)
            ? now - request.StartScheduledAt > ScheduledStartTimeout
            : request.StartClaimedAt is not { } claimed || now - claimed > StartClaimTimeout;
    }

    /// <summary>
    /// Schedules the orchestration of the generation <paramref name="claimed"/> holds the start of, for
    /// <paramref name="targets"/>. Only a caller that won that claim calls this, so the instance id is new.
    /// </summary>
    public async Task StartAsync(DurableTaskClient durable, SampleRequestRecord claimed, IReadOnlyList<BiobankOffer> targets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(targets);
        var input = new BrokeringInput(
            claimed.RequestId,
            claimed.Deadline.UtcDateTime,
            claimed.Criteria,
            claimed.Quantity,
            targets.Select(o => new BiobankTarget(o.BiobankId, o.QueryId)).ToList(),
            claimed.CallbackUrl is null ? null : new CompletionCallbackPlan(options.Value.CompletionCallbackFirstRetrySeconds))
        {
            Generation = claimed.Generation,
        };
        await durable.ScheduleNewOrchestrationInstanceAsync(
            TaskNames.BrokerSampleRequest, input, new StartOrchestrationOptions { InstanceId = claimed.InstanceId }, cancellationToken).ConfigureAwait(false);
        await store.MarkScheduledAsync(claimed.RequestId, claimed.Generation, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes over a start that nobody alive holds (<see cref="StartIsStale"/>): claims a new generation on
    /// the row's ETag, so of racing repairers one wins, then starts it for the biobanks still pending and
    /// any of <paramref name="contacted"/> whose rows were never written. False when someone else won.
    /// <paramref name="orchestrationGone"/>: the engine says the scheduled orchestration is gone or ended
    /// without beginning, so the start is taken over without waiting for it to go stale.
    /// </summary>
    public async Task<bool> TryTakeOverAsync(
        DurableTaskClient durable, SampleRequestRecord stale, IReadOnlyList<BiobankOffer> offers, IReadOnlyList<BiobankOffer> contacted, string why, CancellationToken cancellationToken,
        bool orchestrationGone = false)
    {
        ArgumentNullException.ThrowIfNull(stale);
        ArgumentNullException.ThrowIfNull(offers);
        ArgumentNullException.ThrowIfNull(contacted);
        var now = time.GetUtcNow();
        var unbegun = stale.Status == RequestStatus.Brokering && stale.ExecutionToken is null;
        if (!StartIsStale(stale, now) && !(orchestrationGone && unbegun))
        {
            return false;
        }

        var all = offers.UnionBy(contacted, o => o.BiobankId, StringComparer.Ordinal).ToList();
        if (all.Count != offers.Count)
        {
            await store.AddContactedAsync(stale.RequestId, all, cancellationToken).ConfigureAwait(false);
        }

        var next = stale with { Generation = stale.Generation + 1, StartClaimedAt = now, ExecutionToken = null, BiobanksContacted = all.Count };
        var detail = $"start taken over ({why}), generation {next.Generation}";
        var claimed = await store.TryClaimStartAsync(stale, next, [new TimelineEntry(now, TimelineEvents.Repaired, null, detail)], cancellationToken).ConfigureAwait(false);
        if (claimed is null)
        {
            return false;
        }

        await store.IndexAsync(claimed, cancellationToken).ConfigureAwait(false);
        await StartAsync(durable, claimed, all.Where(o => !o.IsFinal).ToList(), cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(AuditLog.SystemActor, AuditActions.RequestRepaired, Target(stale.RequestId), detail, cancellationToken).ConfigureAwait(false);
        LogTakenOver(stale.RequestId, next.Generation, why);
        return true;
    }

    /// <summary>
    /// Cancels (requester) or terminates (staff) a request that is brokering: the ending is stored first,
    /// so it stands even if the signal to the orchestration is lost (the reconciler sends it again).
    /// Null when the request is not brokering (any more); otherwise the request as stored.
    /// </summary>
    public async Task<SampleRequestRecord?> CancelAsync(DurableTaskClient durable, SampleRequestResource shown, string actor, bool byStaff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        ArgumentNullException.ThrowIfNull(shown);
        if (!CanCancel(shown.Status))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var reason = byStaff ? EndReason.TerminatedByStaff : EndReason.CancelledByRequester;
        var entry = new TimelineEntry(now, byStaff ? TimelineEvents.Terminated : TimelineEvents.Cancelled, null, "by " + actor);
        var ended = await store.FinishAsync(shown.RequestId, reason, "by " + actor, now, [entry], cancellationToken).ConfigureAwait(false);
        if (ended.EndReason != reason || ended.CompletedAt != now)
        {
            return null;
        }

        await audit.RecordAsync(actor, byStaff ? AuditActions.RequestTerminated : AuditActions.RequestCancelled, Target(shown.RequestId), null, cancellationToken).ConfigureAwait(false);
        await SignalCancelAsync(durable, ended, cancellationToken).ConfigureAwait(false);
        return ended;
    }

    /// <summary>Tells the orchestration a stored cancel happened; a failure is logged, and the reconciler tries again.</summary>
    public async Task SignalCancelAsync(DurableTaskClient durable, SampleRequestRecord ended, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        ArgumentNullException.ThrowIfNull(ended);
        try
        {
            await durable.RaiseEventAsync(ended.InstanceId, TaskNames.CancelEvent, ended.EndReason.ToString(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSignalLost(e, ended.RequestId);
        }
    }

    /// <summary>
    /// A failed request brokers again (staff): the biobanks without a valid answer are pending again and
    /// queried anew, with a new deadline of now + its answer window. Null when it is not failed.
    /// </summary>
    public async Task<SampleRequestRecord?> RestartAsync(DurableTaskClient durable, string requestId, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        if (await store.GetAsync(requestId, cancellationToken).ConfigureAwait(false) is not { } found || !CanRestart(found.Request.Status))
        {
            return null;
        }

        var (request, offers) = found;
        var now = time.GetUtcNow();
        var again = offers.Where(o => !IsValidAnswer(o.Outcome)).ToList();

        // Rows first: a failed request shows pending rows as failed, so a restart cut short here changes nothing visible.
        await store.ResetOffersAsync(requestId, again, cancellationToken).ConfigureAwait(false);
        var next = request with
        {
            Status = RequestStatus.Brokering,
            Generation = request.Generation + 1,
            StartClaimedAt = now,
            ExecutionToken = null,
            EndReason = null,
            EndDetail = null,
            CompletedAt = null,
            Deadline = now.AddSeconds(request.AnswerWithinSeconds),
        };
        await store.MarkOpenAsync(next, now, cancellationToken).ConfigureAwait(false);
        var detail = $"by {actor}: {again.Count} biobank(s) queried again, generation {next.Generation}";
        var claimed = await store.TryClaimStartAsync(request, next, [new TimelineEntry(now, TimelineEvents.Restarted, null, detail)], cancellationToken).ConfigureAwait(false);
        if (claimed is null)
        {
            return null;
        }

        await store.IndexAsync(claimed, cancellationToken).ConfigureAwait(false);
        await StartAsync(durable, claimed, again, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(actor, AuditActions.RequestRestarted, Target(requestId), detail, cancellationToken).ConfigureAwait(false);
        return claimed;
    }

    /// <summary>
    /// Ends a request for <paramref name="reason"/> unless it has ended already (whose ending then stands):
    /// every biobank still pending gets its final outcome, the request its final status, and the open
    /// marker goes. Safe to run more than once and from anywhere (the orchestration's last step, the reconciler).
    /// </summary>
    public async Task<SampleRequestRecord> EndAsync(string requestId, int generation, EndReason reason, string? detail, CancellationToken cancellationToken)
    {
        var (request, offers) = await store.GetAsync(requestId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Sample request {requestId} is not stored.");
        if (request.Generation != generation)
        {
            // A newer generation brokers the request now; this one has nothing to end.
            return request;
        }

        var now = time.GetUtcNow();
        var ending = request.EndReason ?? reason;
        var settled = new List<BiobankOffer>(offers.Count);
        foreach (var offer in offers)
        {
            if (offer.IsFinal)
            {
                settled.Add(offer);
                continue;
            }

            var final = Settle(offer, ending, request.Deadline, now);
            IReadOnlyList<TimelineEntry> events = final.Outcome == BiobankOutcome.TimedOut
                ? [new TimelineEntry(now, TimelineEvents.TimedOut, offer.BiobankId, "no answer by the deadline")]
                : [];
            settled.Add(await store.RecordOutcomeAsync(requestId, final, events, cancellationToken).ConfigureAwait(false));
        }

        var allAnswered = settled.All(o => o.AnsweredAt is not null);
        var completedAt = ending == EndReason.AllAnswered && allAnswered ? settled.Select(o => o.AnsweredAt).Max() ?? now : now;
        var status = StatusFor(ending);
        var entry = status switch
        {
            RequestStatus.Failed => new TimelineEntry(now, TimelineEvents.Failed, null, detail),
            RequestStatus.Completed => new TimelineEntry(now, TimelineEvents.Completed, null, detail ?? (ending == EndReason.DeadlinePassed ? "deadline passed" : "every biobank answered")),
            _ => null,
        };
        var ended = await store.FinishAsync(requestId, ending, detail, completedAt, entry is null ? [] : [entry], cancellationToken).ConfigureAwait(false);
        await store.RemoveOpenAsync(requestId, cancellationToken).ConfigureAwait(false);
        return ended;
    }

    /// <summary>What the audit log names a request as.</summary>
    public static string Target(string requestId) => "request:" + requestId;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sample request {RequestId}: start taken over as generation {Generation} ({Why})")]
    private partial void LogTakenOver(string requestId, int generation, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not signal the orchestration of {RequestId}; the reconciler will")]
    private partial void LogSignalLost(Exception exception, string requestId);
}

using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SampleBroker.Monitoring;
using SampleBroker.Orchestration;

namespace SampleBroker.Requests;

/// <summary>What one pass of the reconciler did.</summary>
public sealed record ReconcileReport(int Visited, int Started, int Ended, int Signalled, int Forgotten);

/// <summary>
/// Nothing stays stuck: visits every request whose ending is not stored yet (the open markers) and
/// repairs what a crash, a lost signal or a broken orchestration left behind. A start nobody holds is
/// taken over; an orchestration that is gone, failed or terminated while the request is brokering is
/// ended from the stored answers (completed once every biobank answered or the deadline passed, else
/// failed with the reason); a stored cancel or answer whose event never arrived is signalled again;
/// the index rows are written again. Every repair goes on the timeline and into the audit log. All of it
/// is conditional writes, so any number of hosts may run it at once. Runs on a timer in both hosts.
/// </summary>
public sealed partial class RequestReconciler(
    SampleRequestStore store,
    BiobankSelection selection,
    RequestLifecycle lifecycle,
    AuditLog audit,
    TimeProvider time,
    ILogger<RequestReconciler> logger)
{
    /// <summary>How long an open marker may stand without its request before it is dropped (a submission that died before storing).</summary>
    public static readonly TimeSpan OrphanMarkerAge = TimeSpan.FromMinutes(2);

    /// <summary>How long past its deadline a request may still be brokering before it is ended from the stored answers (staff call it overdue at 60 s).</summary>
    public static readonly TimeSpan DeadlineGrace = TimeSpan.FromSeconds(30);

    /// <summary>How many open requests one pass visits at the same time.</summary>
    public const int VisitsAtOnce = 8;

    /// <summary>How long after its last event a signal is assumed lost and sent again.</summary>
    public static readonly TimeSpan SignalGrace = TimeSpan.FromSeconds(15);

    public async Task<ReconcileReport> RunAsync(DurableTaskClient durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        var report = new ReconcileReport(0, 0, 0, 0, 0);
        var gate = new object();

        // Visits run side by side: one at a time, a pass over a hundred open requests on a busy store took
        // longer than a host lived in the fault suite (kill -9 every minute or two), and every restart began
        // again with the oldest, so the newest stayed brokering long past their deadlines.
        var open = await store.ListOpenAsync(cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = VisitsAtOnce, CancellationToken = cancellationToken }, async (marker, ct) =>
        {
            var (requestId, markedAt) = marker;
            try
            {
                var visited = await VisitAsync(durable, requestId, markedAt, ct).ConfigureAwait(false);
                lock (gate)
                {
                    report = Add(report, visited);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One request that cannot be repaired now must not keep the others from being visited.
                LogVisitFailed(e, requestId);
            }
        }).ConfigureAwait(false);

        if (report.Started + report.Ended + report.Signalled + report.Forgotten > 0)
        {
            LogReport(report.Visited, report.Started, report.Ended, report.Signalled, report.Forgotten);
        }

        return report;
    }

    private async Task<ReconcileReport> VisitAsync(DurableTaskClient durable, string requestId, DateTimeOffset markedAt, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (await store.GetAsync(requestId, ct).ConfigureAwait(false) is not { } found)
        {
            if (now - markedAt <= OrphanMarkerAge)
            {
                return new(1, 0, 0, 0, 0);
            }

            await store.RemoveOpenAsync(requestId, ct).ConfigureAwait(false);
            return new(1, 0, 0, 0, 1);
        }

        var (request, offers) = found;
        if (RequestLifecycle.StartIsStale(request, now))
        {
            var contacted = await FirstContactedAsync(request, ct).ConfigureAwait(false);
            var started = await lifecycle.TryTakeOverAsync(durable, request, offers, contacted, "the reconciler found it not started", ct).ConfigureAwait(false);
            return new(1, started ? 1 : 0, 0, 0, 0);
        }

        var instance = (OrchestrationMetadata?)null;
        if (request.Status == RequestStatus.Brokering && request.ExecutionToken is null)
        {
            // Its start is claimed and still fresh: the claimer (or, once scheduled, the engine) is at work,
            // unless the engine says the scheduled orchestration is gone or ended without beginning.
            if (!RequestLifecycle.StartIsScheduled(request) || now - request.StartScheduledAt <= RequestLifecycle.StartClaimTimeout)
            {
                return new(1, 0, 0, 0, 0);
            }

            instance = await durable.GetInstanceAsync(request.InstanceId, getInputsAndOutputs: false, ct).ConfigureAwait(false);
            if (instance is { RuntimeStatus: OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended })
            {
                return new(1, 0, 0, 0, 0);
            }

            var contacted = await FirstContactedAsync(request, ct).ConfigureAwait(false);
            var why = instance is null ? "its scheduled orchestration is missing" : $"its scheduled orchestration is {instance.RuntimeStatus} and never began";
            var started = await lifecycle.TryTakeOverAsync(durable, request, offers, contacted, why, ct, orchestrationGone: true).ConfigureAwait(false);
            return new(1, started ? 1 : 0, 0, 0, 0);
        }

        instance = await durable.GetInstanceAsync(request.InstanceId, getInputsAndOutputs: true, ct).ConfigureAwait(false);
        if (instance is null || instance.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Completed)
        {
            if (request.EndReason is { } stored)
            {
                // Its ending is stored (a cancel or terminate); only the settling and the marker are left.
                await lifecycle.EndAsync(request.RequestId, request.Generation, stored, request.EndDetail, ct).ConfigureAwait(false);
                return new(1, 0, 0, 0, 0);
            }

            await EndAbandonedAsync(request, offers, instance, now, ct).ConfigureAwait(false);
            return new(1, 0, 1, 0, 0);
        }

        // The orchestration runs but should have ended by now (its ending keeps failing, or it is starved):
        // end the request from the stored answers; its own ending, when it comes, finds it ended.
        if (request.Status == RequestStatus.Brokering && now > request.Deadline + DeadlineGrace)
        {
            await EndOverdueAsync(request, now, ct).ConfigureAwait(false);
            return new(1, 0, 1, 0, 0);
        }

        // The orchestration runs: help it along where a signal it waits for may have been lost.
        if (request.Status == RequestStatus.Cancelled && now - (request.CompletedAt ?? now) > SignalGrace)
        {
            await lifecycle.SignalCancelAsync(durable, request, ct).ConfigureAwait(false);
            return new(1, 0, 0, 1, 0);
        }

        var byCallback = offers.Where(o => o.IsFinal && o.AnswerMessageId is not null).ToList();
        if (request.Status == RequestStatus.Brokering && offers.All(o => o.IsFinal) && byCallback.Count > 0
            && now - (offers.Max(o => o.AnsweredAt) ?? now) > SignalGrace)
        {
            foreach (var offer in byCallback)
            {
                await durable.RaiseEventAsync(request.InstanceId, TaskNames.AnswerEvent(offer.QueryId), offer.Outcome.ToString(), ct).ConfigureAwait(false);
            }

            await store.AppendTimelineAsync(request.RequestId, [new TimelineEntry(now, TimelineEvents.Repaired, null, $"answer signals sent again ({byCallback.Count})")], ct).ConfigureAwait(false);
            return new(1, 0, 0, 1, 0);
        }

        // The index rows may have been lost on the way in: they are cheap to write again.
        await store.IndexAsync(request, ct).ConfigureAwait(false);
        return new(1, 0, 0, 0, 0);
    }

    /// <summary>
    /// Ends a request whose orchestration stopped without storing the ending: from the stored answers when
    /// they decide it (all in, or the deadline passed, or a cancel already stored), else as failed with the reason.
    /// </summary>
    private async Task EndAbandonedAsync(SampleRequestRecord request, IReadOnlyList<BiobankOffer> offers, OrchestrationMetadata? instance, DateTimeOffset now, CancellationToken ct)
    {
        var why = instance is null ? "its orchestration is missing" : $"its orchestration is {instance.RuntimeStatus}";
        if (instance?.FailureDetails?.ErrorMessage is { } message)
        {
            why += ": " + Shorten(message);
        }
        else if (instance is { RuntimeStatus: OrchestrationRuntimeStatus.Failed, SerializedOutput: { } output })
        {
            why += ": " + Shorten(output);
        }

        var reason = request.EndReason
            ?? (offers.All(o => o.IsFinal) ? EndReason.AllAnswered : now >= request.Deadline ? EndReason.DeadlinePassed : EndReason.BrokeringFailed);
        var detail = reason == EndReason.BrokeringFailed ? why : null;
        await store.AppendTimelineAsync(request.RequestId, [new TimelineEntry(now, TimelineEvents.Repaired, null, $"{why}; ended as {RequestLifecycle.StatusFor(reason)}")], ct).ConfigureAwait(false);
        await lifecycle.EndAsync(request.RequestId, request.Generation, reason, detail, ct).ConfigureAwait(false);
        await audit.RecordAsync(AuditLog.SystemActor, AuditActions.RequestRepaired, RequestLifecycle.Target(request.RequestId), $"{why}; ended as {RequestLifecycle.StatusFor(reason)}", ct).ConfigureAwait(false);
    }

    private async Task EndOverdueAsync(SampleRequestRecord request, DateTimeOffset now, CancellationToken ct)
    {
        var why = $"still brokering {(int)(now - request.Deadline).TotalSeconds} s after its deadline; ended from the stored answers";
        await store.AppendTimelineAsync(request.RequestId, [new TimelineEntry(now, TimelineEvents.Repaired, null, why)], ct).ConfigureAwait(false);
        await lifecycle.EndAsync(request.RequestId, request.Generation, EndReason.DeadlinePassed, null, ct).ConfigureAwait(false);
        await audit.RecordAsync(AuditLog.SystemActor, AuditActions.RequestRepaired, RequestLifecycle.Target(request.RequestId), why, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The biobanks the first generation's intake chose, so a takeover also writes rows a dying intake never
    /// wrote; later generations query only the rows they have.
    /// </summary>
    private async Task<IReadOnlyList<BiobankOffer>> FirstContactedAsync(SampleRequestRecord request, CancellationToken ct) =>
        request.Generation == 1 ? await selection.ChooseAsync(request, ct).ConfigureAwait(false) : [];

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200];

    private static ReconcileReport Add(ReconcileReport a, ReconcileReport b) =>
        new(a.Visited + b.Visited, a.Started + b.Started, a.Ended + b.Ended, a.Signalled + b.Signalled, a.Forgotten + b.Forgotten);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling {RequestId} failed; it is visited again on the next pass")]
    private partial void LogVisitFailed(Exception exception, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciler visited {Visited} open request(s): started {Started}, ended {Ended}, signalled {Signalled}, forgot {Forgotten} orphan marker(s)")]
    private partial void LogReport(int visited, int started, int ended, int signalled, int forgotten);
}

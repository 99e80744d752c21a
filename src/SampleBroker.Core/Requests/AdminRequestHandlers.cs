using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SampleBroker.Access;
using SampleBroker.Http;
using SampleBroker.Monitoring;

namespace SampleBroker.Requests;

/// <summary>The orchestration behind a request, as staff see it; null in the detail once purged.</summary>
public sealed record OrchestrationView(string InstanceId, string RuntimeStatus, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, JsonElement? CustomStatus);

/// <summary><c>GET /v1/admin/sample-requests/{requestId}</c>: the one-stop-shop answer, its orchestration and its timeline.</summary>
public sealed record AdminSampleRequest(
    string RequestId,
    string OrganisationId,
    string? Reference,
    RequestStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset Deadline,
    DateTimeOffset? CompletedAt,
    Protocol.SampleCriteria Criteria,
    int Quantity,
    RequestProgress Progress,
    IReadOnlyList<BiobankOffer> Biobanks,
    RequestSummary Summary,
    IReadOnlyList<AllocationLine> Allocation,
    OrchestrationView? Orchestration,
    IReadOnlyList<TimelineEntry> Timeline);

/// <summary>
/// Staff routes over every organisation's requests (contract section 7): list, detail, terminate,
/// restart and purge. Every change goes through the lifecycle and into the audit log.
/// </summary>
public sealed class AdminRequestHandlers(
    ApiKeyAuthenticator auth,
    SampleRequestStore store,
    RequestLifecycle lifecycle,
    AuditLog audit,
    TimeProvider time,
    ILogger<AdminRequestHandlers> logger)
{
    /// <summary>Staff call a request overdue when it is still brokering this long after its deadline.</summary>
    public static readonly TimeSpan OverdueAfter = TimeSpan.FromSeconds(60);

    public Task<IResult> ListAsync(HttpRequest request) => StorageGuard.RunAsync(logger, async () =>
    {
        var ct = request.HttpContext.RequestAborted;
        var (_, denied) = await auth.AuthenticateAsync(request, Role.Staff, ct).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var query = new RequestListQuery(request.Query);
        var status = query.Status();
        var organisationId = query.ResourceId("organisationId");
        var from = query.Time("createdFrom");
        var to = query.Time("createdTo");
        var overdue = query.Flag("overdue");
        var top = query.Top();
        var after = query.ContinuationToken();
        if (from > to)
        {
            query.Fields.Add("createdFrom", "must not be after createdTo.");
        }

        if (query.Fields.HasErrors)
        {
            return Problems.Validation(query.Fields.Errors, "One or more query parameters are invalid.");
        }

        var overdueAt = overdue == true ? time.GetUtcNow() - OverdueAfter : (DateTimeOffset?)null;
        var (ids, next) = await store.ListAllAsync(new AdminListFilter(status, organisationId, from, to, overdueAt, top, after), ct).ConfigureAwait(false);
        var page = await SampleRequestHandlers.PageAsync(store, ids, next, ct).ConfigureAwait(false);

        // overdue=false: everything but the overdue ones.
        return TypedResults.Ok(overdue == false ? page with { Items = page.Items.Where(i => !IsOverdue(i.Status, i.Deadline)).ToList() } : page);
    });

    public Task<IResult> GetAsync(HttpRequest request, string requestId, DurableTaskClient durable) => OnRequestAsync(request, requestId, async (found, caller, ct) =>
    {
        var view = Aggregation.View(found.Request, found.Offers);
        var instance = await durable.GetInstanceAsync(found.Request.InstanceId, getInputsAndOutputs: true, ct).ConfigureAwait(false);
        var timeline = await store.GetTimelineAsync(requestId, ct).ConfigureAwait(false);
        return TypedResults.Ok(new AdminSampleRequest(
            view.RequestId, view.OrganisationId, view.Reference, view.Status, view.CreatedAt, view.Deadline, view.CompletedAt, view.Criteria, view.Quantity,
            view.Progress, view.Biobanks, view.Summary, view.Allocation, instance is null ? null : ToView(instance), timeline));
    });

    public Task<IResult> TerminateAsync(HttpRequest request, string requestId, DurableTaskClient durable) => OnRequestAsync(request, requestId, async (found, caller, ct) =>
    {
        var shown = Aggregation.View(found.Request, found.Offers);
        if (await lifecycle.CancelAsync(durable, shown, caller.Actor, byStaff: true, ct).ConfigureAwait(false) is null)
        {
            return Problems.Conflict($"The sample request is {shown.Status}; only a request that is Brokering can be terminated.");
        }

        return TypedResults.Accepted(ApiRoutes.Path(ApiRoutes.AdminSampleRequest, ("requestId", requestId)), new SubmitAccepted(requestId, RequestStatus.Cancelled));
    });

    public Task<IResult> RestartAsync(HttpRequest request, string requestId, DurableTaskClient durable) => OnRequestAsync(request, requestId, async (found, caller, ct) =>
    {
        if (await lifecycle.RestartAsync(durable, requestId, caller.Actor, ct).ConfigureAwait(false) is null)
        {
            return Problems.Conflict($"The sample request is {Aggregation.View(found.Request, found.Offers).Status}; only a request that is Failed can be restarted.");
        }

        return TypedResults.Accepted(ApiRoutes.Path(ApiRoutes.AdminSampleRequest, ("requestId", requestId)), new SubmitAccepted(requestId, RequestStatus.Brokering));
    });

    public Task<IResult> PurgeAsync(HttpRequest request, string requestId, DurableTaskClient durable) => OnRequestAsync(request, requestId, async (found, caller, ct) =>
    {
        var status = Aggregation.View(found.Request, found.Offers).Status;
        if (!RequestLifecycle.CanPurge(status) || found.Request.Status == RequestStatus.Brokering)
        {
            return Problems.Conflict("The sample request is still brokering; terminate it first, or wait until it has finished.");
        }

        // Every generation's history goes. One still delivering the completion callback is stopped first:
        // on this backend a purge would otherwise also remove a running instance under its own feet.
        for (var generation = 1; generation <= found.Request.Generation; generation++)
        {
            var instanceId = RequestLifecycle.InstanceIdOf(requestId, generation);
            if (await durable.GetInstanceAsync(instanceId, ct).ConfigureAwait(false) is not { } instance)
            {
                continue;
            }

            if (!instance.IsCompleted)
            {
                await durable.TerminateInstanceAsync(instanceId, "purged by staff", ct).ConfigureAwait(false);
            }

            await durable.PurgeInstanceAsync(instanceId, cancellation: ct).ConfigureAwait(false);
        }

        await store.PurgeAsync(found.Request, ct).ConfigureAwait(false);
        await audit.RecordAsync(caller.Actor, AuditActions.RequestPurged, RequestLifecycle.Target(requestId), $"{status} request of {found.Request.OrganisationId}", ct).ConfigureAwait(false);
        return TypedResults.NoContent();
    });

    private bool IsOverdue(RequestStatus status, DateTimeOffset deadline) => status == RequestStatus.Brokering && time.GetUtcNow() - deadline > OverdueAfter;

    /// <summary>A staff route on one request: the key first, then the id's shape, then the request must exist.</summary>
    private Task<IResult> OnRequestAsync(
        HttpRequest request, string requestId, Func<(SampleRequestRecord Request, IReadOnlyList<BiobankOffer> Offers), Caller, CancellationToken, Task<IResult>> handle) =>
        StorageGuard.RunAsync(logger, async () =>
        {
            var ct = request.HttpContext.RequestAborted;
            var (caller, denied) = await auth.AuthenticateAsync(request, Role.Staff, ct).ConfigureAwait(false);
            if (caller is null)
            {
                return denied!;
            }

            if (!Identifiers.IsRequestId(requestId))
            {
                return Problems.BadRequest("requestId must be 32 lower-case hexadecimal digits.");
            }

            return await store.GetAsync(requestId, ct).ConfigureAwait(false) is { } found
                ? await handle(found, caller, ct).ConfigureAwait(false)
                : Problems.NotFound($"There is no sample request '{requestId}'.");
        });

    private static OrchestrationView ToView(OrchestrationMetadata instance)
    {
        JsonElement? custom = null;
        if (instance.SerializedCustomStatus is { Length: > 0 } text)
        {
            using var document = JsonDocument.Parse(text);
            custom = document.RootElement.Clone();
        }

        return new OrchestrationView(instance.InstanceId, instance.RuntimeStatus.ToString(), instance.CreatedAt, instance.LastUpdatedAt, custom);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SampleBroker.Biobanks;
using SampleBroker.Http;

namespace SampleBroker.Functions;

/// <summary>Biobanks' later answers to queries; authenticated by webhook signature, not by API key.</summary>
public sealed class BiobankAnswerFunctions(BiobankAnswerHandlers answers)
{
    [Function("ReceiveBiobankAnswer")]
    public Task<IResult> ReceiveAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.BiobankAnswer)] HttpRequest req,
        string biobankId,
        string queryId,
        [DurableClient] DurableTaskClient client) =>
        answers.ReceiveAsync(req, biobankId, queryId, client);
}

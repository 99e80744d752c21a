using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SampleBroker.Biobanks;
using SampleBroker.Http;

namespace SampleBroker.Functions;

/// <summary>Staff routes of the biobank registry.</summary>
public sealed class BiobankFunctions(BiobankHandlers biobanks)
{
    [Function("PutBiobank")]
    public Task<IResult> PutBiobankAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ApiRoutes.Biobank)] HttpRequest req, string biobankId) =>
        biobanks.PutAsync(req, biobankId);

    [Function("ListBiobanks")]
    public Task<IResult> ListBiobanksAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Biobanks)] HttpRequest req) =>
        biobanks.ListAsync(req);

    [Function("GetBiobank")]
    public Task<IResult> GetBiobankAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Biobank)] HttpRequest req, string biobankId) =>
        biobanks.GetAsync(req, biobankId);

    [Function("DeleteBiobank")]
    public Task<IResult> DeleteBiobankAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.Biobank)] HttpRequest req, string biobankId) =>
        biobanks.DeleteAsync(req, biobankId);

    [Function("RotateBiobankSecret")]
    public Task<IResult> RotateBiobankSecretAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.BiobankRotateSecret)] HttpRequest req, string biobankId) =>
        biobanks.RotateSecretAsync(req, biobankId);
}

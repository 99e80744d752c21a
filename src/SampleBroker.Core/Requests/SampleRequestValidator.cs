using System.Text.Json;
using SampleBroker.Biobanks;
using SampleBroker.Http;
using SampleBroker.Protocol;
using SampleBroker.Protocol.Vocabulary;
using SampleBroker.Vocabulary;

namespace SampleBroker.Requests;

/// <summary>Checks a submit body against every rule of contract section 4 and reports all broken fields at once.</summary>
public sealed class SampleRequestValidator(EndpointPolicy endpoints)
{
    public const int DefaultAnswerWithinSeconds = 300;

    public async Task<(SubmittedRequest? Request, IDictionary<string, string[]> Errors)> ValidateAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var fields = new JsonFields();
        if (!fields.RequireObject(body, "$"))
        {
            return (null, fields.Errors);
        }

        var reference = fields.ReadString(body, "reference", "reference", 1, 100, required: false);
        var criteria = ReadCriteria(body, fields);
        var quantity = fields.ReadInteger(body, "quantity", "quantity", 1, 100_000, required: true);
        var answerWithin = fields.ReadInteger(body, "answerWithinSeconds", "answerWithinSeconds", 5, 604_800, required: false);
        var callbackUrl = fields.ReadString(body, "callbackUrl", "callbackUrl", 1, 2000, required: false);
        if (callbackUrl is not null && await endpoints.CheckAsync(callbackUrl, Biobanks.EndpointKind.CallbackUrl, cancellationToken).ConfigureAwait(false) is { } reason)
        {
            fields.Add("callbackUrl", reason);
        }

        if (fields.HasErrors || criteria is null || quantity is null)
        {
            return (null, fields.Errors);
        }

        var request = new SubmittedRequest(reference, criteria, (int)quantity, (int)(answerWithin ?? DefaultAnswerWithinSeconds), callbackUrl);
        return (request, fields.Errors);
    }

    private static SampleCriteria? ReadCriteria(JsonElement body, JsonFields fields)
    {
        if (!JsonFields.TryGet(body, "criteria", out var criteria))
        {
            fields.Add("criteria", "is required.");
            return null;
        }

        if (!fields.RequireObject(criteria, "criteria"))
        {
            return null;
        }

        var sampleTypes = fields.ReadStringList(criteria, "sampleTypes", "criteria.sampleTypes", 1, 10, required: true, Codes.IsSampleType, "is not a sample type code of the vocabulary.");
        var diagnoses = fields.ReadStringList(criteria, "diagnoses", "criteria.diagnoses", 0, 50, required: false, Codes.IsIcd10, "must be an ICD-10 category (C50) or subcategory (C50.9), upper case.");
        var sex = fields.ReadStringList(criteria, "sex", "criteria.sex", 0, 4, required: false, Codes.Sexes.Contains, "must be one of Female, Male, Unknown, Undifferentiated.");
        var temperatures = fields.ReadStringList(criteria, "storageTemperatures", "criteria.storageTemperatures", 0, 7, required: false, Codes.StorageTemperatures.Contains, "is not a storage temperature code of the vocabulary.");
        var uses = fields.ReadStringList(criteria, "useConditions", "criteria.useConditions", 0, 8, required: false, Codes.UseConditions.Contains, "is not a use condition code of the vocabulary.");
        var minVolume = fields.ReadInteger(criteria, "minVolumeMicroliters", "criteria.minVolumeMicroliters", 1, 10_000_000, required: false);
        var ageRange = ReadAgeRange(criteria, fields);

        if (fields.HasErrors || sampleTypes is null)
        {
            return null;
        }

        return new SampleCriteria
        {
            SampleTypes = sampleTypes,
            Diagnoses = diagnoses,
            Sex = sex,
            AgeRange = ageRange,
            StorageTemperatures = temperatures,
            UseConditions = uses,
            MinVolumeMicroliters = (int?)minVolume,
        };
    }

    private static AgeRange? ReadAgeRange(JsonElement criteria, JsonFields fields)
    {
        if (!JsonFields.TryGet(criteria, "ageRange", out var range))
        {
            return null;
        }

        if (!fields.RequireObject(range, "criteria.ageRange"))
        {
            return null;
        }

        var min = fields.ReadInteger(range, "min", "criteria.ageRange.min", 0, 150, required: true);
        var max = fields.ReadInteger(range, "max", "criteria.ageRange.max", 0, 150, required: true);
        if (min is null || max is null)
        {
            return null;
        }

        if (min > max)
        {
            fields.Add("criteria.ageRange", "min must not be greater than max.");
            return null;
        }

        return new AgeRange((int)min, (int)max);
    }
}

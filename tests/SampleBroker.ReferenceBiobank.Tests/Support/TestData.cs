using SampleBroker.Protocol;

namespace SampleBroker.ReferenceBiobank.Tests.Support;

internal static class TestData
{
    /// <summary>40 matching serum samples for <see cref="BreastCancerSerum"/>, plus stock that must not match.</summary>
    public const string Inventory = """
        {
          "pricePerSampleEur": 35.0,
          "leadTimeDays": 14,
          "validForDays": 30,
          "samples": [
            {"sampleType": "blood-serum", "diagnosis": "C50.9", "sex": "Female", "age": 54,
             "storageTemperature": "temperature-60to-85", "volumeMicroliters": 1000,
             "conditions": ["CommercialUse"], "count": 40},
            {"sampleType": "plasma-edta", "diagnosis": "C50.1", "sex": "Female", "age": 60,
             "storageTemperature": "temperature-60to-85", "volumeMicroliters": 500,
             "conditions": ["CommercialUse", "MTA"], "count": 25},
            {"sampleType": "blood-serum", "diagnosis": "C34.1", "sex": "Male", "age": 66,
             "storageTemperature": "temperature-60to-85", "volumeMicroliters": 1000,
             "conditions": ["CommercialUse"], "count": 10}
          ]
        }
        """;

    public static SampleCriteria BreastCancerSerum { get; } = new()
    {
        SampleTypes = ["blood-serum"],
        Diagnoses = ["C50"],
        Sex = ["Female"],
        AgeRange = new AgeRange(40, 70),
        StorageTemperatures = ["temperature-60to-85"],
        UseConditions = ["CommercialUse"],
    };

    public static BiobankQuery Query(SampleCriteria criteria, string callbackUrl = "http://127.0.0.1:9/answers/q-1", string queryId = "q-1") => new()
    {
        QueryId = queryId,
        RequestId = "r-1",
        Criteria = criteria,
        Quantity = 150,
        ReplyBy = DateTimeOffset.UtcNow.AddMinutes(5),
        CallbackUrl = callbackUrl,
    };

    /// <summary>The dates an answer computed during this test may carry as <c>validUntil</c>, in case the test spans midnight UTC.</summary>
    public static string[] PossibleValidUntil(int validForDays, DateTimeOffset startedAt) =>
    [
        DateOnly.FromDateTime(startedAt.UtcDateTime).AddDays(validForDays).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        DateOnly.FromDateTime(DateTime.UtcNow).AddDays(validForDays).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
    ];
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using SampleBroker.Protocol.Vocabulary;

namespace SampleBroker.Http;

/// <summary><c>GET /openapi.json</c>: an OpenAPI 3 document generated from <see cref="ApiCatalog"/>.</summary>
public static partial class OpenApiDocument
{
    private static readonly Lazy<string> Json = new(() => Build().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

    public static IResult Get(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TypedResults.Text(Json.Value, "application/json", System.Text.Encoding.UTF8);
    }

    public static JsonObject Build()
    {
        var paths = new JsonObject();
        foreach (var group in ApiCatalog.Operations.GroupBy(o => "/" + o.Route.Replace("{*", "{", StringComparison.Ordinal)))
        {
            var item = new JsonObject();
            foreach (var operation in group)
            {
                item[operation.Method.ToLowerInvariant()] = Operation(operation);
            }

            paths[group.Key] = item;
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = "SampleBroker",
                ["version"] = "1",
                ["description"] = "One-stop shop for clinical samples: one request, every connected biobank, one answer.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" + ApiRoutes.Prefix }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "X-Api-Key" },
                },
                ["schemas"] = Schemas(),
            },
        };
    }

    private static JsonObject Operation(ApiOperation operation)
    {
        var parameters = new JsonArray();
        foreach (Match match in RouteParameter().Matches(operation.Route))
        {
            parameters.Add(new JsonObject
            {
                ["name"] = match.Groups[1].Value,
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = new JsonObject { ["type"] = "string" },
            });
        }

        foreach (var name in operation.QueryParameters ?? [])
        {
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "query", ["required"] = false, ["schema"] = new JsonObject { ["type"] = name == "top" ? "integer" : "string" } });
        }

        if (operation.Route == ApiRoutes.SampleRequests && operation.Method == "POST")
        {
            parameters.Add(new JsonObject { ["name"] = "Idempotency-Key", ["in"] = "header", ["required"] = false, ["schema"] = new JsonObject { ["type"] = "string", ["maxLength"] = 100 } });
        }

        var responses = new JsonObject();
        foreach (var status in operation.Statuses)
        {
            var response = new JsonObject { ["description"] = ReasonPhrases.GetReasonPhrase(status) };
            if (status < 300 && operation.ResponseSchema is { } schema)
            {
                response["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(schema) } };
            }
            else if (status >= 400)
            {
                response["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = Ref("Problem") } };
            }

            responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
        }

        var result = new JsonObject
        {
            ["operationId"] = operation.OperationId,
            ["summary"] = operation.Summary,
            ["parameters"] = parameters,
            ["responses"] = responses,
            ["security"] = operation.Access is Access.Anyone or Access.BiobankSignature
                ? new JsonArray()
                : new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }),
            ["x-access"] = operation.Access.ToString(),
        };
        if (operation.RequestSchema is { } body)
        {
            result["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(body) } },
            };
        }

        return result;
    }

    private static JsonObject Ref(string schema) => new() { ["$ref"] = "#/components/schemas/" + schema };

    private static JsonObject Str(int? max = null) => max is null ? new() { ["type"] = "string" } : new() { ["type"] = "string", ["maxLength"] = max };

    private static JsonObject NullableDate() => new() { ["type"] = "string", ["format"] = "date-time", ["nullable"] = true };

    private static JsonObject Int(long min, long max) => new() { ["type"] = "integer", ["minimum"] = min, ["maximum"] = max };

    private static JsonObject Enum(IEnumerable<string> values) => new() { ["type"] = "string", ["enum"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray()) };

    private static JsonObject ArrayOf(JsonObject items, int? max = null) =>
        max is null ? new() { ["type"] = "array", ["items"] = items } : new() { ["type"] = "array", ["items"] = items, ["maxItems"] = max };

    private static JsonObject Obj(JsonObject properties, params string[] required)
    {
        var result = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Length > 0)
        {
            result["required"] = new JsonArray(required.Select(r => (JsonNode)r).ToArray());
        }

        return result;
    }

    private static JsonObject Schemas()
    {
        string[] outcomes = ["Pending", "Available", "NoMatch", "BelowReportingThreshold", "Declined", "TimedOut", "Failed", "Cancelled"];
        string[] statuses = ["Brokering", "Completed", "Cancelled", "Failed"];
        JsonObject Health() => Obj(new JsonObject
        {
            ["queries"] = Int(0, long.MaxValue), ["answered"] = Int(0, long.MaxValue), ["timedOut"] = Int(0, long.MaxValue), ["failed"] = Int(0, long.MaxValue),
            ["p50LatencyMs"] = Int(0, int.MaxValue), ["p95LatencyMs"] = Int(0, int.MaxValue),
            ["circuit"] = Enum(["Closed", "Open", "HalfOpen"]), ["lastAnsweredAt"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["nullable"] = true },
            ["problem"] = new JsonObject
            {
                ["type"] = "string", ["nullable"] = true,
                ["description"] = "Why the biobank is skipped (\"misconfigured: ...\", e.g. a secret that cannot be decrypted); null when its registry row is usable.",
            },
        });
        JsonObject Biobank() => Obj(new JsonObject
        {
            ["biobankId"] = Str(63), ["name"] = Str(200), ["country"] = Str(2), ["endpointUrl"] = Str(), ["enabled"] = new JsonObject { ["type"] = "boolean" },
            ["sampleTypes"] = ArrayOf(Enum(Codes.SampleTypes)), ["answerTimeoutSeconds"] = Int(1, 60), ["minReportableCount"] = Int(0, 1000), ["health"] = Health(),
            ["signingSecret"] = new JsonObject { ["type"] = "string", ["description"] = "Only in the answer to a creation." },
        });
        var criteria = Obj(
            new JsonObject
            {
                ["sampleTypes"] = ArrayOf(Enum(Codes.SampleTypes), 10),
                ["diagnoses"] = ArrayOf(new JsonObject { ["type"] = "string", ["pattern"] = "^[A-Z][0-9]{2}(\\.[0-9]{1,2})?$" }, 50),
                ["sex"] = ArrayOf(Enum(Codes.Sexes)),
                ["ageRange"] = Obj(new JsonObject { ["min"] = Int(0, 150), ["max"] = Int(0, 150) }, "min", "max"),
                ["storageTemperatures"] = ArrayOf(Enum(Codes.StorageTemperatures)),
                ["useConditions"] = ArrayOf(Enum(Codes.UseConditions)),
                ["minVolumeMicroliters"] = Int(1, 10_000_000),
            },
            "sampleTypes");
        var summary = Obj(new JsonObject { ["requestedQuantity"] = Int(1, 100_000), ["totalAvailable"] = Int(0, int.MaxValue), ["canFulfil"] = new JsonObject { ["type"] = "boolean" }, ["biobanksWithSamples"] = Int(0, int.MaxValue) });
        var progress = Obj(new JsonObject { ["biobanksContacted"] = Int(0, int.MaxValue), ["biobanksAnswered"] = Int(0, int.MaxValue), ["biobanksPending"] = Int(0, int.MaxValue) });
        var date = new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        JsonObject RequestProperties() => new()
        {
            ["requestId"] = Str(), ["organisationId"] = Str(), ["reference"] = Str(100), ["status"] = Enum(statuses),
            ["createdAt"] = date.DeepClone(), ["deadline"] = date.DeepClone(), ["completedAt"] = date.DeepClone(),
            ["criteria"] = criteria.DeepClone(), ["quantity"] = Int(1, 100_000), ["progress"] = progress.DeepClone(), ["summary"] = summary.DeepClone(),
        };
        var full = RequestProperties();
        full["biobanks"] = ArrayOf(Obj(new JsonObject
        {
            ["biobankId"] = Str(), ["name"] = Str(), ["country"] = Str(2), ["outcome"] = Enum(outcomes), ["availableSamples"] = Int(0, 10_000_000),
            ["pricePerSampleEur"] = new JsonObject { ["type"] = "number", ["minimum"] = 0 }, ["leadTimeDays"] = Int(0, 3650), ["conditions"] = ArrayOf(Str(100), 20),
            ["validUntil"] = Str(), ["answeredAt"] = date.DeepClone(), ["latencyMs"] = Int(0, long.MaxValue), ["error"] = Str(),
        }));
        full["allocation"] = ArrayOf(Obj(new JsonObject { ["biobankId"] = Str(), ["quantity"] = Int(1, 100_000) }));

        return new JsonObject
        {
            ["Problem"] = Obj(new JsonObject { ["type"] = Str(), ["title"] = Str(), ["status"] = Int(400, 599), ["detail"] = Str(), ["errors"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = ArrayOf(Str()) } }, "type", "title", "status"),
            ["Health"] = Obj(new JsonObject { ["status"] = Enum(["Healthy", "Unhealthy"]) }, "status"),
            ["OrganisationInput"] = Obj(new JsonObject { ["name"] = Str(200), ["country"] = Str(2) }, "name", "country"),
            ["Organisation"] = Obj(new JsonObject { ["organisationId"] = Str(63), ["name"] = Str(200), ["country"] = Str(2), ["webhookSecret"] = new JsonObject { ["type"] = "string", ["description"] = "Only in the answer to a creation." } }),
            ["IssuedApiKey"] = Obj(new JsonObject { ["keyId"] = Str(), ["apiKey"] = Str() }),
            ["BiobankInput"] = Obj(
                new JsonObject
                {
                    ["name"] = Str(200), ["country"] = Str(2), ["endpointUrl"] = Str(2000), ["enabled"] = new JsonObject { ["type"] = "boolean" },
                    ["sampleTypes"] = ArrayOf(Enum(Codes.SampleTypes), 50), ["answerTimeoutSeconds"] = Int(1, 60), ["minReportableCount"] = Int(0, 1000),
                },
                "name", "country", "endpointUrl"),
            ["Biobank"] = Biobank(),
            ["BiobankList"] = Obj(new JsonObject { ["items"] = ArrayOf(Biobank()) }),
            ["RotatedSecret"] = Obj(new JsonObject { ["signingSecret"] = Str() }, "signingSecret"),
            ["BiobankAnswer"] = Obj(new JsonObject
            {
                ["availableSamples"] = Int(0, 10_000_000), ["pricePerSampleEur"] = new JsonObject { ["type"] = "number", ["minimum"] = 0 }, ["leadTimeDays"] = Int(0, 3650),
                ["conditions"] = ArrayOf(Str(100), 20), ["validUntil"] = Str(), ["declined"] = new JsonObject { ["type"] = "boolean" }, ["declineReason"] = Str(),
            }),
            ["AnswerAccepted"] = Obj(new JsonObject { ["queryId"] = Str(), ["outcome"] = Enum(outcomes) }),
            ["SampleRequestInput"] = Obj(
                new JsonObject
                {
                    ["reference"] = Str(100), ["criteria"] = criteria, ["quantity"] = Int(1, 100_000), ["answerWithinSeconds"] = Int(5, 604_800), ["callbackUrl"] = Str(2000),
                },
                "criteria", "quantity"),
            ["SubmitAccepted"] = Obj(new JsonObject { ["requestId"] = Str(), ["status"] = Enum(statuses) }),
            ["SampleRequest"] = Obj(full),
            ["AdminSampleRequest"] = Obj(AdminDetail(full)),
            ["StaffKeyInput"] = Obj(new JsonObject { ["name"] = Str(200) }, "name"),
            ["IssuedStaffKey"] = Obj(new JsonObject { ["keyId"] = Str(), ["name"] = Str(200), ["apiKey"] = Str() }, "keyId", "name", "apiKey"),
            ["StaffKeyList"] = Obj(new JsonObject
            {
                ["items"] = ArrayOf(Obj(new JsonObject
                {
                    ["keyId"] = Str(), ["name"] = Str(200), ["createdAt"] = NullableDate(), ["lastUsedAt"] = NullableDate(),
                })),
            }),
            ["AuditPage"] = Obj(new JsonObject
            {
                ["items"] = ArrayOf(Obj(new JsonObject
                {
                    ["at"] = date.DeepClone(), ["actor"] = Str(), ["action"] = Enum(Monitoring.AuditActions.All), ["target"] = Str(),
                    ["detail"] = new JsonObject { ["type"] = "string", ["nullable"] = true },
                })),
                ["continuationToken"] = new JsonObject { ["type"] = "string", ["nullable"] = true },
            }),
            ["Metrics"] = Obj(new JsonObject
            {
                ["requests"] = Obj(new JsonObject
                {
                    ["brokering"] = Int(0, long.MaxValue), ["completed"] = Int(0, long.MaxValue), ["cancelled"] = Int(0, long.MaxValue),
                    ["failed"] = Int(0, long.MaxValue), ["overdue"] = Int(0, long.MaxValue),
                }),
                ["biobanks"] = ArrayOf(Obj(new JsonObject { ["biobankId"] = Str(63), ["health"] = Health() })),
                ["answerRate"] = new JsonObject { ["type"] = "number", ["minimum"] = 0, ["maximum"] = 1, ["nullable"] = true },
                ["p50AnswerSeconds"] = new JsonObject { ["type"] = "number", ["minimum"] = 0, ["nullable"] = true },
            }),
            ["SampleRequestPage"] = Obj(new JsonObject { ["items"] = ArrayOf(Obj(RequestProperties())), ["continuationToken"] = new JsonObject { ["type"] = "string", ["nullable"] = true } }),
        };
    }

    /// <summary>The staff detail: the request plus its orchestration and its timeline (contract section 7).</summary>
    private static JsonObject AdminDetail(JsonObject full)
    {
        var detail = (JsonObject)full.DeepClone();
        var nullableString = new JsonObject { ["type"] = "string", ["nullable"] = true };
        detail["orchestration"] = new JsonObject
        {
            ["type"] = "object",
            ["nullable"] = true,
            ["properties"] = new JsonObject
            {
                ["instanceId"] = Str(), ["runtimeStatus"] = Str(), ["createdAt"] = Str(), ["lastUpdatedAt"] = Str(), ["customStatus"] = new JsonObject { ["nullable"] = true },
            },
        };
        detail["timeline"] = ArrayOf(Obj(new JsonObject
        {
            ["at"] = Str(), ["event"] = Enum(TimelineNames()), ["biobankId"] = nullableString.DeepClone(), ["detail"] = nullableString.DeepClone(),
        }));
        return detail;
    }

    private static IEnumerable<string> TimelineNames() =>
        typeof(Monitoring.TimelineEvents).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

    [GeneratedRegex(@"\{\*?([A-Za-z]+)\}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex RouteParameter();
}

using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SampleBroker.IntegrationTests.Requests;

/// <summary>Which route a hostile case is sent to.</summary>
public enum HostileTarget
{
    /// <summary><c>POST /api/v1/sample-requests</c> with a requester key.</summary>
    Submit,

    /// <summary><c>PUT /api/v1/admin/organisations/{id}</c> with the staff key.</summary>
    PutOrganisation,

    /// <summary><c>PUT /api/v1/admin/biobanks/{id}</c> with the staff key.</summary>
    PutBiobank,

    /// <summary><c>GET /api/v1/sample-requests/{id}</c> with a requester key.</summary>
    GetRequest,
}

/// <summary>
/// One hostile input and the answer the contract demands for it. <paramref name="PathId"/> is the raw (already
/// URL-escaped) path identifier; null means a fresh valid one. <paramref name="ContentType"/> null sends no
/// Content-Type header. <paramref name="ErrorPath"/> is the JSON path a validation problem must name.
/// </summary>
public sealed record HostileCase(
    string Name,
    HostileTarget Target,
    byte[]? Body,
    string? ContentType,
    int ExpectedStatus,
    string? ErrorPath = null,
    string? PathId = null,
    bool Chunked = false,
    string? IdempotencyKey = null);

/// <summary>
/// The hostile-input table (contract sections 0, 2, 3 and 4): every case must be refused with the 4xx the
/// contract names, as problem details, without storing or brokering anything.
/// </summary>
public static class HostileInputCases
{
    public const string Json = "application/json";

    private const string ValidCriteria = "{\"sampleTypes\":[\"blood-serum\"]}";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] ElevenSampleTypes =
    [
        "whole-blood", "bone-marrow", "buffy-coat", "dried-whole-blood", "blood-plasma", "blood-serum",
        "ascites", "saliva", "urine", "swab", "dna",
    ];

    public static IReadOnlyList<HostileCase> All { get; } = Build();

    public static IReadOnlyDictionary<string, HostileCase> ByName { get; } = All.ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>A JSON string literal; control characters are escaped, other characters are sent as they are.</summary>
    /// <summary>Five labels of 60 letters: 304 characters, over DNS's 253.</summary>
    private static string LongHostName => string.Join('.', Enumerable.Repeat(new string('a', 60), 5));

    public static string Str(string value) => JsonSerializer.Serialize(value, Relaxed);

    /// <summary>A valid submit body with top-level members replaced, added, or (raw value null) removed.</summary>
    public static string Submit(params (string Key, string? Raw)[] changes) =>
        Object([("criteria", ValidCriteria), ("quantity", "10")], changes);

    /// <summary>A valid submit body whose criteria have members replaced, added or removed.</summary>
    public static string Criteria(params (string Key, string? Raw)[] changes) =>
        Submit(("criteria", Object([("sampleTypes", "[\"blood-serum\"]")], changes)));

    private static string Organisation(params (string Key, string? Raw)[] changes) =>
        Object([("name", "\"Hostile Diagnostics\""), ("country", "\"BE\"")], changes);

    private static string Biobank(params (string Key, string? Raw)[] changes) =>
        Object([("name", "\"Hostile Biobank\""), ("country", "\"IT\""), ("endpointUrl", "\"http://127.0.0.1:9/query\"")], changes);

    private static string Object((string Key, string Raw)[] defaults, (string Key, string? Raw)[] changes)
    {
        var members = defaults.Select(d => (d.Key, Raw: (string?)d.Raw)).ToList();
        foreach (var (key, raw) in changes)
        {
            var index = members.FindIndex(m => m.Key == key);
            if (index >= 0)
            {
                members[index] = (key, raw);
            }
            else
            {
                members.Add((key, raw));
            }
        }

        return "{" + string.Join(",", members.Where(m => m.Raw is not null).Select(m => $"{Str(m.Key)}:{m.Raw}")) + "}";
    }

    private static string Array(params string[] items) => "[" + string.Join(",", items.Select(Str)) + "]";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A valid submit body padded with an ignored member to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] PaddedSubmit(int size)
    {
        var head = "{\"criteria\":" + ValidCriteria + ",\"quantity\":10,\"pad\":\"";
        const string Tail = "\"}";
        return Utf8(head + new string('x', size - head.Length - Tail.Length) + Tail);
    }

    /// <summary>A valid submit body with one string member's value given as raw bytes.</summary>
    private static byte[] SubmitWithRawReference(params byte[] referenceBytes)
    {
        var head = Utf8("{\"reference\":\"");
        var tail = Utf8("\",\"criteria\":" + ValidCriteria + ",\"quantity\":10}");
        return [.. head, .. referenceBytes, .. tail];
    }

    private static List<HostileCase> Build()
    {
        var cases = new List<HostileCase>();

        void Field(string name, string body, string errorPath) =>
            cases.Add(new HostileCase("submit: " + name, HostileTarget.Submit, Utf8(body), Json, 400, errorPath));

        void Malformed(string name, byte[] body) =>
            cases.Add(new HostileCase("submit malformed: " + name, HostileTarget.Submit, body, Json, 400));

        // Wrong types, nulls and missing members, top level.
        foreach (var (label, raw) in new[] { ("number", "123"), ("true", "true"), ("object", "{}"), ("array", "[]"), ("array of string", "[\"PO-1\"]") })
        {
            Field($"reference is {label}", Submit(("reference", raw)), "reference");
        }

        foreach (var (label, raw) in new[] { ("string", "\"blood-serum\""), ("number", "1"), ("true", "true"), ("empty array", "[]"), ("array of codes", "[\"blood-serum\"]"), ("null", "null") })
        {
            Field($"criteria is {label}", Submit(("criteria", raw)), "criteria");
        }

        Field("criteria is missing", Submit(("criteria", null)), "criteria");
        Field("empty object", "{}", "criteria");

        foreach (var (label, raw) in new[] { ("numeric string", "\"10\""), ("word", "\"ten\""), ("true", "true"), ("object", "{}"), ("array", "[10]"), ("null", "null") })
        {
            Field($"quantity is {label}", Submit(("quantity", raw)), "quantity");
        }

        Field("quantity is missing", Submit(("quantity", null)), "quantity");

        foreach (var (label, raw) in new[] { ("numeric string", "\"300\""), ("true", "true"), ("object", "{}"), ("array", "[300]") })
        {
            Field($"answerWithinSeconds is {label}", Submit(("answerWithinSeconds", raw)), "answerWithinSeconds");
        }

        foreach (var (label, raw) in new[] { ("number", "1"), ("true", "true"), ("object", "{}"), ("array", "[\"https://sme.example/hook\"]") })
        {
            Field($"callbackUrl is {label}", Submit(("callbackUrl", raw)), "callbackUrl");
        }

        // Wrong types, nulls and missing members, criteria.
        foreach (var (label, raw) in new[] { ("string", "\"blood-serum\""), ("number", "1"), ("object", "{}"), ("true", "true"), ("null", "null"), ("empty array", "[]") })
        {
            Field($"criteria.sampleTypes is {label}", Criteria(("sampleTypes", raw)), "criteria.sampleTypes");
        }

        Field("criteria.sampleTypes is missing", Criteria(("sampleTypes", null)), "criteria.sampleTypes");
        Field("criteria is an empty object", Submit(("criteria", "{}")), "criteria.sampleTypes");
        Field("criteria.sampleTypes has 11 codes", Criteria(("sampleTypes", Array(ElevenSampleTypes))), "criteria.sampleTypes");
        foreach (var (label, raw) in new[] { ("number", "[1]"), ("null", "[null]"), ("object", "[{}]"), ("array", "[[\"blood-serum\"]]"), ("true", "[true]") })
        {
            Field($"criteria.sampleTypes item is {label}", Criteria(("sampleTypes", raw)), "criteria.sampleTypes[0]");
        }

        Field("criteria.sampleTypes second item is a number", Criteria(("sampleTypes", "[\"blood-serum\",2]")), "criteria.sampleTypes[1]");

        foreach (var (label, raw) in new[] { ("string", "\"C50\""), ("number", "50"), ("object", "{}"), ("true", "true") })
        {
            Field($"criteria.diagnoses is {label}", Criteria(("diagnoses", raw)), "criteria.diagnoses");
        }

        Field("criteria.diagnoses has 51 codes", Criteria(("diagnoses", Array([.. Enumerable.Range(0, 51).Select(i => $"C{i:00}")]))), "criteria.diagnoses");
        foreach (var (label, raw) in new[] { ("number", "[50]"), ("null", "[null]"), ("object", "[{}]") })
        {
            Field($"criteria.diagnoses item is {label}", Criteria(("diagnoses", raw)), "criteria.diagnoses[0]");
        }

        foreach (var (label, raw) in new[] { ("string", "\"Female\""), ("number", "1"), ("object", "{}") })
        {
            Field($"criteria.sex is {label}", Criteria(("sex", raw)), "criteria.sex");
        }

        foreach (var (label, raw) in new[] { ("number", "[1]"), ("null", "[null]"), ("true", "[true]") })
        {
            Field($"criteria.sex item is {label}", Criteria(("sex", raw)), "criteria.sex[0]");
        }

        foreach (var (label, raw) in new[] { ("string", "\"temperatureLN\""), ("number", "-80") })
        {
            Field($"criteria.storageTemperatures is {label}", Criteria(("storageTemperatures", raw)), "criteria.storageTemperatures");
        }

        foreach (var (label, raw) in new[] { ("number", "[-80]"), ("null", "[null]") })
        {
            Field($"criteria.storageTemperatures item is {label}", Criteria(("storageTemperatures", raw)), "criteria.storageTemperatures[0]");
        }

        foreach (var (label, raw) in new[] { ("string", "\"CommercialUse\""), ("object", "{}") })
        {
            Field($"criteria.useConditions is {label}", Criteria(("useConditions", raw)), "criteria.useConditions");
        }

        foreach (var (label, raw) in new[] { ("number", "[1]"), ("null", "[null]") })
        {
            Field($"criteria.useConditions item is {label}", Criteria(("useConditions", raw)), "criteria.useConditions[0]");
        }

        foreach (var (label, raw) in new[] { ("string", "\"40-70\""), ("number", "40"), ("array", "[40,70]"), ("true", "true") })
        {
            Field($"criteria.ageRange is {label}", Criteria(("ageRange", raw)), "criteria.ageRange");
        }

        foreach (var (label, raw) in new[]
        {
            ("a numeric string", "{\"min\":\"40\",\"max\":70}"), ("null", "{\"min\":null,\"max\":70}"), ("missing", "{\"max\":70}"),
            ("-1", "{\"min\":-1,\"max\":70}"), ("151", "{\"min\":151,\"max\":151}"), ("40.5", "{\"min\":40.5,\"max\":70}"),
            ("1e400", "{\"min\":1e400,\"max\":70}"), ("true", "{\"min\":true,\"max\":70}"),
        })
        {
            Field($"criteria.ageRange.min is {label}", Criteria(("ageRange", raw)), "criteria.ageRange.min");
        }

        foreach (var (label, raw) in new[]
        {
            ("a numeric string", "{\"min\":40,\"max\":\"70\"}"), ("null", "{\"min\":40,\"max\":null}"), ("missing", "{\"min\":40}"),
            ("151", "{\"min\":40,\"max\":151}"), ("-1", "{\"min\":0,\"max\":-1}"), ("70.5", "{\"min\":40,\"max\":70.5}"),
            ("99999999999999999999", "{\"min\":40,\"max\":99999999999999999999}"),
        })
        {
            Field($"criteria.ageRange.max is {label}", Criteria(("ageRange", raw)), "criteria.ageRange.max");
        }

        Field("criteria.ageRange min greater than max", Criteria(("ageRange", "{\"min\":71,\"max\":70}")), "criteria.ageRange");

        foreach (var raw in new[] { "\"500\"", "0", "-1", "10000001", "1.5", "true", "1e400", "99999999999999999999", "-99999999999999999999" })
        {
            Field($"criteria.minVolumeMicroliters is {raw}", Criteria(("minVolumeMicroliters", raw)), "criteria.minVolumeMicroliters");
        }

        // Huge, negative and fractional numbers where integers are expected.
        foreach (var raw in new[]
        {
            "1e400", "-1e400", "99999999999999999999", "-99999999999999999999", "9223372036854775808", "2147483648", "-2147483649",
            "4294967297", "-1", "0", "100001", "1.5", "0.5", "1e-3", "100000.5", "-0",
        })
        {
            Field($"quantity is {raw}", Submit(("quantity", raw)), "quantity");
        }

        foreach (var raw in new[] { "4", "0", "-5", "604801", "1e400", "99999999999999999999", "300.5", "2147483648" })
        {
            Field($"answerWithinSeconds is {raw}", Submit(("answerWithinSeconds", raw)), "answerWithinSeconds");
        }

        // References: too long, control characters, bidi and zero-width tricks, unpaired surrogates.
        foreach (var (label, value) in new[]
        {
            ("101 characters", new string('r', 101)), ("1000 characters", new string('r', 1000)),
            ("NUL only", "\0"), ("NUL inside", "PO-\0-117"), ("BEL", "PO\a117"), ("ANSI escape", "\u001b[31mPO-117"),
            ("DEL", "PO\u007f117"), ("C1 NEL", "PO\u0085117"), ("CRLF header injection", "PO-117\r\nX-Injected: 1"),
            ("tab", "PO\t117"), ("vertical tab", "PO\v117"),
            ("RTL override U+202E", "PO-\u202E711-OP"), ("zero-width space U+200B", "PO-\u200B117"), ("LRI isolate U+2066", "\u2066PO-117\u2069"),
        })
        {
            Field($"reference with {label}", Submit(("reference", Str(value))), "reference");
        }

        // Escapes of unpaired surrogates are JSON syntax but no text: 400, as a field error or as malformed JSON.
        foreach (var (label, raw) in new[] { ("unpaired high surrogate", "\"\\uD800\""), ("unpaired low surrogate", "\"PO-\\uDC00\""), ("reversed surrogate pair", "\"\\uDC00\\uD800\"") })
        {
            Malformed($"reference with {label}", Utf8(Submit(("reference", raw))));
        }

        // Codes that look right but are not the vocabulary's: homoglyphs, case, spacing, invisible characters.
        foreach (var (label, value) in new[]
        {
            ("capital I for l (bIood-serum)", "bIood-serum"), ("capitalised", "Blood-serum"), ("upper case", "BLOOD-SERUM"),
            ("underscore", "blood_serum"), ("trailing space", "blood-serum "), ("leading space", " blood-serum"),
            ("Unicode hyphen U+2010", "blood\u2010serum"), ("soft hyphen", "blood\u00ADserum"), ("Cyrillic o", "bl\u043E\u043Ed-serum"),
            ("zero-width space", "blood-serum\u200B"), ("RTL override", "\u202Eblood-serum"), ("full-width letters", "\uFF42\uFF4C\uFF4F\uFF4F\uFF44-serum"),
            ("NUL", "blood-serum\0"), ("empty", ""), ("wildcard", "*"), ("OData injection", "blood-serum' or '1' eq '1"),
            ("percent-encoded quote", "%27"), ("path traversal", "..%2F..%2Fblood-serum"), ("display name", "Serum"), ("MIABIS name", "Plasma"),
        })
        {
            Field($"criteria.sampleTypes {label}", Criteria(("sampleTypes", Array(value))), "criteria.sampleTypes[0]");
        }

        Malformed("criteria.sampleTypes unpaired surrogate", Utf8(Criteria(("sampleTypes", "[\"\\uD800\"]"))));
        Malformed("criteria.diagnoses unpaired surrogate", Utf8(Criteria(("diagnoses", "[\"C50\\uDBFF\"]"))));

        foreach (var (label, value) in new[]
        {
            ("full-width digit", "C\uFF150"), ("full-width letter", "\uFF2350"), ("all full-width", "\uFF23\uFF15\uFF10"),
            ("Arabic-Indic digits", "C\u0665\u0660"), ("Devanagari digits", "C\u096B\u0966"), ("full-width subcategory digit", "C50.\uFF19"),
            ("lower case", "c50"), ("one digit", "C5"), ("three digits", "C500"), ("trailing dot", "C50."), ("three decimals", "C50.123"),
            ("inner space", "C 50"), ("trailing space", "C50 "), ("zero-width space", "C50\u200B"), ("two letters", "CC50"),
            ("no letter", "550"), ("hyphen", "C50-9"), ("two dots", "C50.9.1"), ("newline", "C50\n"), ("empty", ""),
            ("comma list", "C50,C51"), ("Cyrillic C", "\u042150"),
        })
        {
            Field($"criteria.diagnoses {label}", Criteria(("diagnoses", Array(value))), "criteria.diagnoses[0]");
        }

        foreach (var (label, value) in new[]
        {
            ("lower case", "female"), ("upper case", "FEMALE"), ("Cyrillic e", "F\u0435male"), ("zero-width space", "Female\u200B"),
            ("abbreviation", "F"), ("not in the list", "Other"), ("excluded term", "Not applicable"), ("empty", ""),
        })
        {
            Field($"criteria.sex {label}", Criteria(("sex", Array(value))), "criteria.sex[0]");
        }

        foreach (var (label, value) in new[]
        {
            ("free text", "-80 C"), ("capitalised", "Temperature2to10"), ("trailing space", "temperature2to10 "), ("full-width letters", "temperature\uFF2C\uFF2E"),
        })
        {
            Field($"criteria.storageTemperatures {label}", Criteria(("storageTemperatures", Array(value))), "criteria.storageTemperatures[0]");
        }

        foreach (var (label, value) in new[]
        {
            ("camel case", "commercialUse"), ("with space", "Commercial Use"), ("NUL", "CommercialUse\0"), ("answer-only term", "MTA"),
        })
        {
            Field($"criteria.useConditions {label}", Criteria(("useConditions", Array(value))), "criteria.useConditions[0]");
        }

        // Callback URLs that are not absolute http(s) URLs.
        foreach (var (label, value) in new[]
        {
            ("not a URL", "not a url"), ("relative path", "/relative/path"), ("ftp", "ftp://sme.example/hooks"), ("file", "file:///etc/passwd"),
            ("javascript", "javascript:alert(1)"), ("empty", ""), ("scheme only", "http://"), ("mailto", "mailto:ops@sme.example"),
            ("scheme-relative", "//sme.example/hooks"), ("gopher", "gopher://127.0.0.1:70/_x"),
            ("host name over 253 characters", "https://" + LongHostName + "/hooks"),
        })
        {
            Field($"callbackUrl {label}", Submit(("callbackUrl", Str(value))), "callbackUrl");
        }

        Malformed("callbackUrl unpaired surrogate", Utf8(Submit(("callbackUrl", "\"https://sme\\uD800.example/hook\""))));

        // Deep nesting.
        Malformed("1000 nested arrays in an ignored member", Utf8(Submit(("x", new string('[', 1000) + new string(']', 1000)))));
        Malformed("1000 nested objects in an ignored member", Utf8(Submit(("x", string.Concat(Enumerable.Repeat("{\"a\":", 1000)) + "1" + new string('}', 1000)))));
        Malformed("10000 nested arrays", Utf8(new string('[', 10000) + new string(']', 10000)));
        Malformed("1000 nested arrays as sampleTypes", Utf8(Criteria(("sampleTypes", new string('[', 1000) + new string(']', 1000)))));
        Malformed("1000 unclosed arrays", Utf8(new string('[', 1000)));

        // Oversized bodies, with and without Content-Length.
        cases.Add(new HostileCase("submit oversized: 65537 bytes", HostileTarget.Submit, PaddedSubmit(64 * 1024 + 1), Json, 413));
        cases.Add(new HostileCase("submit oversized: 70000 bytes", HostileTarget.Submit, PaddedSubmit(70_000), Json, 413));
        cases.Add(new HostileCase("submit oversized: 1 MB", HostileTarget.Submit, PaddedSubmit(1_000_000), Json, 413));
        cases.Add(new HostileCase("submit oversized: 65537 bytes chunked", HostileTarget.Submit, PaddedSubmit(64 * 1024 + 1), Json, 413, Chunked: true));
        cases.Add(new HostileCase("submit oversized: 1 MB chunked", HostileTarget.Submit, PaddedSubmit(1_000_000), Json, 413, Chunked: true));
        cases.Add(new HostileCase("submit oversized: 100000 bytes of garbage", HostileTarget.Submit, Utf8(new string('{', 100_000)), Json, 413));

        // Bodies that are not application/json.
        var valid = Utf8(Submit());
        foreach (var contentType in new[]
        {
            "text/plain", "text/plain; charset=utf-8", "application/xml", "text/xml", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz", "application/json; charset=latin1", "application/json; charset=iso-8859-1",
            "application/json; charset=utf-16", "text/json", "application/problem+json", "application/jsonx",
            "application/json-patch+json", "application/octet-stream", "*/*", "json", "application/",
        })
        {
            cases.Add(new HostileCase($"submit content type: {contentType}", HostileTarget.Submit, valid, contentType, 415));
        }

        cases.Add(new HostileCase("submit content type: none", HostileTarget.Submit, valid, null, 415));
        cases.Add(new HostileCase("submit content type: none, chunked", HostileTarget.Submit, valid, null, 415, Chunked: true));
        cases.Add(new HostileCase("submit content type: XML body", HostileTarget.Submit, Utf8("<request><quantity>10</quantity></request>"), "application/xml", 415));
        cases.Add(new HostileCase("submit content type: form body", HostileTarget.Submit, Utf8("criteria=blood-serum&quantity=10"), "application/x-www-form-urlencoded", 415));
        cases.Add(new HostileCase("submit content type: latin1 body", HostileTarget.Submit, Encoding.Latin1.GetBytes(Submit(("reference", "\"Caf\u00e9\""))), "application/json; charset=latin1", 415));

        // Malformed JSON.
        foreach (var (label, text) in new[]
        {
            ("trailing comma in object", "{\"criteria\":" + ValidCriteria + ",\"quantity\":10,}"),
            ("trailing comma in array", "{\"criteria\":{\"sampleTypes\":[\"blood-serum\",]},\"quantity\":10}"),
            ("single quotes", "{'criteria':{'sampleTypes':['blood-serum']},'quantity':10}"),
            ("line comment", "{\"criteria\":" + ValidCriteria + ", // why not\n\"quantity\":10}"),
            ("block comment", "{\"criteria\":" + ValidCriteria + ",/* 10 */\"quantity\":10}"),
            ("truncated mid-string", "{\"criteria\":{\"sampleTypes\":[\"blood-se"),
            ("truncated after a key", "{\"criteria\":" + ValidCriteria + ",\"quantity\":"),
            ("missing closing brace", "{\"criteria\":" + ValidCriteria + ",\"quantity\":10"),
            ("empty body", ""), ("whitespace only", "  \r\n\t "), ("opening brace only", "{"), ("closing brace only", "}"),
            ("unquoted keys", "{criteria:{sampleTypes:[\"blood-serum\"]},quantity:10}"),
            ("NaN", Submit(("quantity", "NaN"))), ("Infinity", Submit(("quantity", "Infinity"))), ("-Infinity", Submit(("quantity", "-Infinity"))),
            ("hexadecimal number", Submit(("quantity", "0x10"))), ("leading zero", Submit(("quantity", "010"))), ("leading plus", Submit(("quantity", "+5"))),
            ("leading dot", Submit(("quantity", ".5"))), ("digit separator", Submit(("quantity", "1_000"))),
            ("missing colon", "{\"criteria\" " + ValidCriteria + ",\"quantity\":10}"),
            ("missing comma", "{\"criteria\":" + ValidCriteria + " \"quantity\":10}"),
            ("extra closing brace", Submit() + "}"), ("two documents", Submit() + Submit()), ("trailing garbage", Submit() + " x"),
            ("raw tab in a string", "{\"reference\":\"PO\t117\",\"criteria\":" + ValidCriteria + ",\"quantity\":10}"),
            ("raw newline in a string", "{\"reference\":\"PO\n117\",\"criteria\":" + ValidCriteria + ",\"quantity\":10}"),
            ("invalid escape", "{\"reference\":\"\\x41\",\"criteria\":" + ValidCriteria + ",\"quantity\":10}"),
            ("truncated unicode escape", "{\"reference\":\"\\u12\",\"criteria\":" + ValidCriteria + ",\"quantity\":10}"),
            ("unterminated string", "{\"reference\":\"PO-117,\"criteria\":" + ValidCriteria + ",\"quantity\":10}"),
            ("undefined", Submit(("quantity", "undefined"))), ("capitalised True", Submit(("reference", "True"))), ("nul", Submit(("reference", "nul"))),
        })
        {
            Malformed(label, Utf8(text));
        }

        Malformed("BOM then garbage", [0xEF, 0xBB, 0xBF, .. Utf8("garbage")]);
        Malformed("BOM only", [0xEF, 0xBB, 0xBF]);
        Malformed("NUL bytes", [0, 0, 0, 0]);

        // JSON that is valid but not an object.
        foreach (var (label, text) in new[]
        {
            ("an empty array", "[]"), ("an array holding the request", "[" + Submit() + "]"), ("a string", "\"blood-serum\""),
            ("a number", "42"), ("true", "true"), ("null", "null"),
        })
        {
            cases.Add(new HostileCase("submit root is " + label, HostileTarget.Submit, Utf8(text), Json, 400));
        }

        // Duplicated keys: whichever value a parser keeps, the document is ambiguous.
        foreach (var (label, text) in new[]
        {
            ("quantity, invalid then valid", "{\"criteria\":" + ValidCriteria + ",\"quantity\":-1,\"quantity\":10}"),
            ("quantity, valid then invalid", "{\"criteria\":" + ValidCriteria + ",\"quantity\":10,\"quantity\":-1}"),
            ("sampleTypes, invalid then valid", "{\"criteria\":{\"sampleTypes\":[\"bIood-serum\"],\"sampleTypes\":[\"blood-serum\"]},\"quantity\":10}"),
            ("criteria, invalid then valid", "{\"criteria\":\"blood-serum\",\"criteria\":" + ValidCriteria + ",\"quantity\":10}"),
        })
        {
            cases.Add(new HostileCase("submit duplicated key: " + label, HostileTarget.Submit, Utf8(text), Json, 400));
        }

        // Bytes that are not UTF-8.
        Malformed("invalid UTF-8 byte 0xFF", SubmitWithRawReference(0x50, 0xFF, 0x4F));
        Malformed("overlong UTF-8 slash", SubmitWithRawReference(0xC0, 0xAF));
        Malformed("UTF-8 encoded surrogate", SubmitWithRawReference(0xED, 0xA0, 0x80));
        Malformed("truncated UTF-8 sequence", SubmitWithRawReference(0xE2, 0x82));
        Malformed("lone UTF-8 continuation byte", SubmitWithRawReference(0x80));
        Malformed("UTF-8 lead byte beyond U+10FFFF", SubmitWithRawReference(0xF5, 0x80, 0x80, 0x80));
        Malformed("Latin-1 byte labelled as UTF-8", SubmitWithRawReference(0x43, 0x61, 0x66, 0xE9));
        Malformed("UTF-16 body labelled as UTF-8", Encoding.Unicode.GetBytes(Submit()));

        // Invalid Idempotency-Key headers on an otherwise valid submission.
        foreach (var (label, key) in new[]
        {
            ("101 characters", new string('k', 101)), ("1000 characters", new string('k', 1000)), ("empty", ""),
            ("non-ASCII letter", "caf\u00e9-1"), ("Cyrillic", "\u043A\u043B\u044E\u0447"), ("emoji", "key-\U0001F511"),
            ("SOH control", "key\u0001-1"), ("ESC control", "key\u001b[0m"), ("DEL", "key\u007f"), ("tab inside", "key\t1"),
        })
        {
            cases.Add(new HostileCase($"submit Idempotency-Key: {label}", HostileTarget.Submit, valid, Json, 400, ErrorPath: "Idempotency-Key", IdempotencyKey: key));
        }

        // PUT /v1/admin/organisations/{id}.
        foreach (var (label, id) in HostilePathIds())
        {
            cases.Add(new HostileCase($"organisation id: {label}", HostileTarget.PutOrganisation, Utf8(Organisation()), Json, 400, PathId: id));
        }

        void OrganisationField(string name, string body, string errorPath) =>
            cases.Add(new HostileCase("organisation: " + name, HostileTarget.PutOrganisation, Utf8(body), Json, 400, errorPath));

        OrganisationField("name missing", Organisation(("name", null)), "name");
        OrganisationField("name null", Organisation(("name", "null")), "name");
        OrganisationField("name empty", Organisation(("name", "\"\"")), "name");
        OrganisationField("name 201 characters", Organisation(("name", Str(new string('n', 201)))), "name");
        OrganisationField("name is a number", Organisation(("name", "123")), "name");
        OrganisationField("name is an array", Organisation(("name", "[\"Acme\"]")), "name");
        OrganisationField("name with NUL", Organisation(("name", Str("Acme\0"))), "name");
        cases.Add(new HostileCase("organisation: name with unpaired surrogate", HostileTarget.PutOrganisation, Utf8(Organisation(("name", "\"Acme \\uD800\""))), Json, 400));
        OrganisationField("country missing", Organisation(("country", null)), "country");
        OrganisationField("country lower case", Organisation(("country", "\"be\"")), "country");
        OrganisationField("country alpha-3", Organisation(("country", "\"BEL\"")), "country");
        OrganisationField("country one letter", Organisation(("country", "\"B\"")), "country");
        OrganisationField("country empty", Organisation(("country", "\"\"")), "country");
        OrganisationField("country is a number", Organisation(("country", "32")), "country");
        OrganisationField("country full-width", Organisation(("country", Str("\uFF22\uFF25"))), "country");
        OrganisationField("country Cyrillic E", Organisation(("country", Str("B\u0415"))), "country");
        OrganisationField("country OData injection", Organisation(("country", Str("' or '1' eq '1"))), "country");
        cases.Add(new HostileCase("organisation: root is an array", HostileTarget.PutOrganisation, Utf8("[" + Organisation() + "]"), Json, 400));
        cases.Add(new HostileCase("organisation: malformed JSON", HostileTarget.PutOrganisation, Utf8("{\"name\":\"Acme\","), Json, 400));
        cases.Add(new HostileCase("organisation: text/plain", HostileTarget.PutOrganisation, Utf8(Organisation()), "text/plain", 415));
        cases.Add(new HostileCase("organisation: no content type", HostileTarget.PutOrganisation, Utf8(Organisation()), null, 415));
        cases.Add(new HostileCase("organisation: oversized", HostileTarget.PutOrganisation, Utf8(Organisation(("pad", Str(new string('x', 70_000))))), Json, 413));
        cases.Add(new HostileCase("organisation: oversized chunked", HostileTarget.PutOrganisation, Utf8(Organisation(("pad", Str(new string('x', 70_000))))), Json, 413, Chunked: true));
        cases.Add(new HostileCase("organisation: duplicated name, invalid then valid", HostileTarget.PutOrganisation, Utf8("{\"name\":\"\",\"name\":\"Acme\",\"country\":\"BE\"}"), Json, 400));

        // PUT /v1/admin/biobanks/{id}.
        foreach (var (label, id) in HostilePathIds())
        {
            cases.Add(new HostileCase($"biobank id: {label}", HostileTarget.PutBiobank, Utf8(Biobank()), Json, 400, PathId: id));
        }

        void BiobankField(string name, string body, string errorPath) =>
            cases.Add(new HostileCase("biobank: " + name, HostileTarget.PutBiobank, Utf8(body), Json, 400, errorPath));

        BiobankField("endpointUrl missing", Biobank(("endpointUrl", null)), "endpointUrl");
        BiobankField("endpointUrl ftp", Biobank(("endpointUrl", "\"ftp://bb.example/samplebroker\"")), "endpointUrl");
        BiobankField("endpointUrl not a URL", Biobank(("endpointUrl", "\"not a url\"")), "endpointUrl");
        BiobankField("endpointUrl file", Biobank(("endpointUrl", "\"file:///etc/passwd\"")), "endpointUrl");
        BiobankField("endpointUrl is a number", Biobank(("endpointUrl", "443")), "endpointUrl");
        BiobankField("endpointUrl host name over 253 characters", Biobank(("endpointUrl", Str("https://" + LongHostName + "/query"))), "endpointUrl");
        BiobankField("name missing", Biobank(("name", null)), "name");
        BiobankField("name with ESC", Biobank(("name", Str("Torino\u001b[2J"))), "name");
        BiobankField("country lower case", Biobank(("country", "\"it\"")), "country");
        BiobankField("enabled is a string", Biobank(("enabled", "\"true\"")), "enabled");
        BiobankField("enabled is a number", Biobank(("enabled", "1")), "enabled");
        BiobankField("sampleTypes is a string", Biobank(("sampleTypes", "\"blood-serum\"")), "sampleTypes");
        BiobankField("sampleTypes homoglyph", Biobank(("sampleTypes", "[\"bIood-serum\"]")), "sampleTypes[0]");
        foreach (var raw in new[] { "0", "61", "1.5", "\"10\"", "1e400", "-1" })
        {
            BiobankField($"answerTimeoutSeconds {raw}", Biobank(("answerTimeoutSeconds", raw)), "answerTimeoutSeconds");
        }

        foreach (var raw in new[] { "-1", "1001", "0.5", "99999999999999999999" })
        {
            BiobankField($"minReportableCount {raw}", Biobank(("minReportableCount", raw)), "minReportableCount");
        }

        cases.Add(new HostileCase("biobank: malformed JSON", HostileTarget.PutBiobank, Utf8("{'name':'Torino'}"), Json, 400));
        cases.Add(new HostileCase("biobank: root is a string", HostileTarget.PutBiobank, Utf8("\"bb\""), Json, 400));
        cases.Add(new HostileCase("biobank: application/xml", HostileTarget.PutBiobank, Utf8(Biobank()), "application/xml", 415));
        cases.Add(new HostileCase("biobank: oversized", HostileTarget.PutBiobank, Utf8(Biobank(("pad", Str(new string('x', 70_000))))), Json, 413));

        // GET /v1/sample-requests/{id}: anything that is not one of the caller's requests is 404.
        foreach (var (label, id) in new[]
        {
            ("OData injection", Uri.EscapeDataString("x' or PartitionKey ne '")), ("OData injection on RowKey", Uri.EscapeDataString("' or RowKey eq 'request")),
            ("percent-encoded quote", "%27"), ("path traversal", "..%2F..%2Fadmin%2Fbiobanks"), ("upper-case hex", "0192F3B5C7D94E0A8B1C2D3E4F506172"),
            ("GUID with hyphens", "0192f3b5-c7d9-4e0a-8b1c-2d3e4f506172"), ("33 hex digits", "0192f3b5c7d94e0a8b1c2d3e4f5061720"),
            ("31 hex digits", "0192f3b5c7d94e0a8b1c2d3e4f50617"), ("unknown well-formed id", "00000000000000000000000000000000"),
            ("asterisk", "*"), ("full-width digits", Uri.EscapeDataString("\uFF10\uFF11\uFF12")), ("1000 characters", new string('a', 1000)),
        })
        {
            cases.Add(new HostileCase($"get request id: {label}", HostileTarget.GetRequest, null, null, 404, PathId: id));
        }

        return cases;
    }

    /// <summary>Path identifiers the contract's <c>^[a-z0-9][a-z0-9-]{1,62}$</c> refuses, already URL-escaped.</summary>
    private static IEnumerable<(string Label, string Id)> HostilePathIds() =>
    [
        ("OData injection", Uri.EscapeDataString("x' or PartitionKey ne '")),
        ("percent-encoded quote", "acme%27dx"),
        ("path traversal", "..%2F..%2Facme"),
        ("upper case", "Acme-DX"),
        ("one character", "a"),
        ("64 characters", new string('a', 64)),
        ("leading hyphen", "-acme"),
        ("underscore", "acme_dx"),
        ("dot", "acme.dx"),
        ("space", "acme%20dx"),
        ("non-ASCII letter", Uri.EscapeDataString("acm\u00e9")),
        ("full-width letters", Uri.EscapeDataString("\uFF41\uFF43\uFF4D\uFF45")),
        ("zero-width space", Uri.EscapeDataString("acme\u200B")),
    ];
}

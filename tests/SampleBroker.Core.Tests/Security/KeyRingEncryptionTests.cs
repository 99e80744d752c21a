using System.Security.Cryptography;
using System.Xml.Linq;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using SampleBroker.Security;

namespace SampleBroker.Tests.Security;

public sealed class KeyRingEncryptionTests
{
    private const string SecretName = "data-protection-key-ring";
    private readonly FakeVault vault = new();

    [Fact]
    public void A_key_is_encrypted_under_the_current_secret_version_and_decrypts_back()
    {
        vault.AddVersion("v1", new string('a', 44));
        var secrets = new KeyRingSecrets(vault.Client, SecretName);
        var key = new XElement("key", new XElement("masterKey", "c2VjcmV0LWtleS1tYXRlcmlhbA=="));

        var encrypted = new KeyVaultXmlEncryptor(secrets).Encrypt(key);

        Assert.Equal(typeof(KeyVaultXmlDecryptor), encrypted.DecryptorType);
        Assert.Equal("v1", (string?)encrypted.EncryptedElement.Attribute("version"));
        Assert.DoesNotContain("c2VjcmV0LWtleS1tYXRlcmlhbA==", encrypted.EncryptedElement.ToString(), StringComparison.Ordinal);
        Assert.Equal(key.ToString(), Decryptor(secrets).Decrypt(encrypted.EncryptedElement).ToString());
    }

    [Fact]
    public void After_a_new_secret_version_old_keys_still_decrypt_and_new_keys_use_the_new_version()
    {
        vault.AddVersion("v1", new string('a', 44));
        var secrets = new KeyRingSecrets(vault.Client, SecretName);
        var old = new KeyVaultXmlEncryptor(secrets).Encrypt(new XElement("key", "old"));

        vault.AddVersion("v2", new string('b', 44));
        var fresh = new KeyVaultXmlEncryptor(new KeyRingSecrets(vault.Client, SecretName)).Encrypt(new XElement("key", "new"));

        // A fresh process (nothing cached) reads both.
        var decryptor = Decryptor(new KeyRingSecrets(vault.Client, SecretName));
        Assert.Equal("v2", (string?)fresh.EncryptedElement.Attribute("version"));
        Assert.Equal("old", decryptor.Decrypt(old.EncryptedElement).Value);
        Assert.Equal("new", decryptor.Decrypt(fresh.EncryptedElement).Value);
    }

    [Fact]
    public void A_key_whose_version_attribute_was_changed_does_not_decrypt()
    {
        vault.AddVersion("v1", new string('a', 44));
        var secrets = new KeyRingSecrets(vault.Client, SecretName);
        var encrypted = new KeyVaultXmlEncryptor(secrets).Encrypt(new XElement("key", "k"));
        vault.AddVersion("v2", new string('a', 44));

        encrypted.EncryptedElement.SetAttributeValue("version", "v2");

        Assert.ThrowsAny<CryptographicException>(() => Decryptor(secrets).Decrypt(encrypted.EncryptedElement));
    }

    [Fact]
    public void A_secret_too_short_to_be_key_material_is_refused()
    {
        vault.AddVersion("v1", "short");

        var error = Assert.ThrowsAny<CryptographicException>(() => new KeyVaultXmlEncryptor(new KeyRingSecrets(vault.Client, SecretName)).Encrypt(new XElement("key")));

        Assert.Contains(SecretName, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", error.Message.Replace(SecretName, string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Data_protection_stores_the_ring_encrypted_and_another_instance_reads_it_with_the_vault()
    {
        vault.AddVersion("v1", new string('z', 64));
        var repository = new MemoryXmlRepository();

        string protectedValue;
        using (var first = DataProtection(repository))
        {
            protectedValue = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("p").Protect("biobank-secret");
        }

        var stored = Assert.Single(repository.GetAllElements());
        Assert.NotNull(stored.Descendants("keyVaultEncryptedKey").SingleOrDefault());
        // The plain key (<masterKey><value>...) is replaced by the encrypted element.
        Assert.DoesNotContain(stored.Descendants(), e => e.Name.LocalName == "masterKey");

        using var second = DataProtection(repository);
        Assert.Equal("biobank-secret", second.GetRequiredService<IDataProtectionProvider>().CreateProtector("p").Unprotect(protectedValue));
    }

    [Fact]
    public void The_core_encrypts_the_key_ring_with_Key_Vault_only_when_a_vault_is_configured()
    {
        static EncryptorType Encryptor(Dictionary<string, string?> settings)
        {
            settings["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            using var services = new ServiceCollection().AddLogging().AddSampleBrokerCore(configuration).BuildServiceProvider();
            return new(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KeyManagementOptions>>().Value.XmlEncryptor?.GetType());
        }

        Assert.Equal(typeof(KeyVaultXmlEncryptor), Encryptor(new() { ["SampleBroker:KeyVaultUri"] = "https://kv-sb-abc.vault.azure.net/" }).Type);
        Assert.Null(Encryptor([]).Type);
    }

    private sealed record EncryptorType(Type? Type);

    private ServiceProvider DataProtection(IXmlRepository repository)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(new KeyRingSecrets(vault.Client, SecretName));
        services.AddDataProtection().SetApplicationName("SampleBroker");
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            o.XmlRepository = repository;
            o.XmlEncryptor = new KeyVaultXmlEncryptor(sp.GetRequiredService<KeyRingSecrets>());
        });
        return services.BuildServiceProvider();
    }

    private static KeyVaultXmlDecryptor Decryptor(KeyRingSecrets secrets) =>
        new(new ServiceCollection().AddSingleton(secrets).BuildServiceProvider());

    /// <summary>A Key Vault secret with versions, behind a mocked <see cref="SecretClient"/>.</summary>
    private sealed class FakeVault
    {
        private readonly Dictionary<string, string> versions = [];
        private string? current;

        public FakeVault()
        {
            var client = new Mock<SecretClient>();
            client.Setup(c => c.GetSecret(SecretName, It.IsAny<string?>(), It.IsAny<CancellationToken>()))
                .Returns((string name, string? version, CancellationToken _) =>
                {
                    var v = version ?? current ?? throw new RequestFailedException(404, "SecretNotFound");
                    if (!versions.TryGetValue(v, out var value))
                    {
                        throw new RequestFailedException(404, "SecretNotFound");
                    }

                    var properties = SecretModelFactory.SecretProperties(
                        new Uri($"https://kv.example/secrets/{name}/{v}"), new Uri("https://kv.example"), name, v);
                    return Response.FromValue(SecretModelFactory.KeyVaultSecret(properties, value), Mock.Of<Response>());
                });
            Client = client.Object;
        }

        public SecretClient Client { get; }

        public void AddVersion(string version, string value)
        {
            versions[version] = value;
            current = version;
        }
    }

    private sealed class MemoryXmlRepository : IXmlRepository
    {
        private readonly List<XElement> elements = [];

        public IReadOnlyCollection<XElement> GetAllElements() => elements.Select(e => new XElement(e)).ToList();

        public void StoreElement(XElement element, string friendlyName) => elements.Add(new XElement(element));
    }
}

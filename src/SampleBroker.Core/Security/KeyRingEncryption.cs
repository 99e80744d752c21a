using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace SampleBroker.Security;

/// <summary>
/// The key-encryption keys of the Data Protection key ring: the versions of one Key Vault secret, so the
/// material that unlocks the ring never lives in the storage account that holds the ring. A new secret
/// version (a redeploy, a rotation) encrypts the keys created from then on; each encrypted key records
/// the version it needs, and Key Vault keeps every version, so older keys stay readable.
/// </summary>
public sealed class KeyRingSecrets(SecretClient client, string secretName)
{
    private const string DerivationInfo = "SampleBroker.DataProtection.KeyRing.v1";

    // A secret version never changes, so its derived key is kept for the life of the process.
    private readonly ConcurrentDictionary<string, byte[]> keysByVersion = new(StringComparer.Ordinal);

    public string SecretName { get; } = secretName;

    /// <summary>The current version and its 256-bit key.</summary>
    public (string Version, byte[] Key) Current()
    {
        var secret = client.GetSecret(SecretName, null, CancellationToken.None).Value;
        var version = secret.Properties.Version ?? throw new CryptographicException($"Key Vault secret '{SecretName}' has no version.");
        return (version, keysByVersion.GetOrAdd(version, _ => Derive(secret.Value)));
    }

    /// <summary>The key of one version, as recorded in an encrypted key.</summary>
    public byte[] Version(string version)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        return keysByVersion.GetOrAdd(version, v => Derive(client.GetSecret(SecretName, v, CancellationToken.None).Value.Value));
    }

    /// <summary>HKDF-SHA256 turns the secret's text (of any length and alphabet) into an AES-256 key.</summary>
    private byte[] Derive(string? material)
    {
        if (string.IsNullOrEmpty(material) || material.Length < 32)
        {
            throw new CryptographicException($"Key Vault secret '{SecretName}' must hold at least 32 characters of key material.");
        }

        return HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(material), 32, salt: [], info: Encoding.UTF8.GetBytes(DerivationInfo));
    }
}

/// <summary>Encrypts each new key of the ring with AES-256-GCM under the current <see cref="KeyRingSecrets"/> version.</summary>
public sealed class KeyVaultXmlEncryptor(KeyRingSecrets secrets) : IXmlEncryptor
{
    internal const string ElementName = "keyVaultEncryptedKey";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var (version, key) = secrets.Current();
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), AssociatedData(secrets.SecretName, version));
        }

        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(
            ElementName,
            new XComment(" This key is encrypted with a Key Vault secret (AES-256-GCM). "),
            new XAttribute("secret", secrets.SecretName),
            new XAttribute("version", version),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(KeyVaultXmlDecryptor));
    }

    /// <summary>Binds the ciphertext to the secret and version it names, so the attributes cannot be swapped.</summary>
    internal static byte[] AssociatedData(string secretName, string version) => Encoding.UTF8.GetBytes(secretName + "/" + version);

    internal static (int NonceSize, int TagSize) Sizes => (NonceSize, TagSize);
}

/// <summary>
/// Decrypts what <see cref="KeyVaultXmlEncryptor"/> wrote. Data Protection creates it by type name with the
/// application's service provider, which supplies <see cref="KeyRingSecrets"/>.
/// </summary>
public sealed class KeyVaultXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var secrets = services.GetService<KeyRingSecrets>()
            ?? throw new InvalidOperationException("The key ring is encrypted with Key Vault, but SampleBroker__KeyVaultUri is not set.");
        var secretName = (string?)encryptedElement.Attribute("secret");
        var version = (string?)encryptedElement.Attribute("version");
        var value = (string?)encryptedElement.Element("value");
        if (encryptedElement.Name.LocalName != KeyVaultXmlEncryptor.ElementName || secretName is null || version is null || value is null)
        {
            throw new CryptographicException("The encrypted key is not in the Key Vault key-ring format.");
        }

        if (!string.Equals(secretName, secrets.SecretName, StringComparison.Ordinal))
        {
            throw new CryptographicException($"The key was encrypted with Key Vault secret '{secretName}', but SampleBroker__KeyRingSecretName is '{secrets.SecretName}'.");
        }

        var sealedBytes = Convert.FromBase64String(value);
        var (nonceSize, tagSize) = KeyVaultXmlEncryptor.Sizes;
        if (sealedBytes.Length <= nonceSize + tagSize)
        {
            throw new CryptographicException("The encrypted key is truncated.");
        }

        var cipherLength = sealedBytes.Length - nonceSize - tagSize;
        var plaintext = new byte[cipherLength];
        using (var aes = new AesGcm(secrets.Version(version), tagSize))
        {
            aes.Decrypt(
                sealedBytes.AsSpan(0, nonceSize),
                sealedBytes.AsSpan(nonceSize, cipherLength),
                sealedBytes.AsSpan(nonceSize + cipherLength),
                plaintext,
                KeyVaultXmlEncryptor.AssociatedData(secretName, version));
        }

        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

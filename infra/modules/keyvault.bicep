// Key Vault with Azure RBAC (no access policies) and purge protection. It holds the bootstrap staff key,
// which the app reads through a Key Vault reference, and the key-ring secret whose versions encrypt the
// Data Protection key ring at rest (see docs/deploy.md, "Keys and secrets").

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Key Vault name (3-24 letters, digits and dashes).')
@minLength(3)
@maxLength(24)
param name string

@description('The alliance bootstrap staff key.')
@secure()
param bootstrapStaffKey string

@description('Name of the secret holding the bootstrap staff key.')
param bootstrapStaffKeySecretName string

@description('Key material for the Data Protection key ring. Each deployment that changes it adds a secret version; keys already in the ring keep the version they were encrypted with.')
@secure()
param keyRingSecretValue string

@description('Name of the secret whose versions encrypt the Data Protection key ring.')
param keyRingSecretName string

@description('When true, the vault is reachable only through private endpoints.')
param privateOnly bool = false

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: privateOnly ? 'Deny' : 'Allow'
    }
  }
}

resource staffKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: bootstrapStaffKeySecretName
  properties: {
    value: bootstrapStaffKey
    contentType: 'text/plain'
  }
}

resource keyRing 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: keyRingSecretName
  properties: {
    value: keyRingSecretValue
    contentType: 'application/octet-stream; samplebroker-key-ring'
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
output bootstrapStaffKeySecretUri string = staffKey.properties.secretUri

// SampleBroker on Azure: a Flex Consumption Function App (.NET 10 isolated) with Durable Functions on the
// Azure Storage provider, a storage account without shared keys, one user-assigned identity with
// least-privilege roles, Application Insights on Log Analytics without local auth, and a Key Vault for the
// bootstrap staff key and the key ring's key material. `azd up` deploys it (azure.yaml at the repo root);
// docs/deploy.md walks through it.

targetScope = 'resourceGroup'

@description('azd environment name; part of every resource name.')
@minLength(1)
@maxLength(40)
param environmentName string

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('The alliance bootstrap staff key (at least 32 characters), stored in Key Vault.')
@secure()
@minLength(32)
param bootstrapStaffKey string

@description('Key material for the Data Protection key ring, stored as a Key Vault secret. A new value adds a secret version; keys already in the ring keep theirs.')
@secure()
param keyRingSecretValue string = '${newGuid()}${newGuid()}'

@description('When true, storage and Key Vault are reached only through private endpoints in a new VNet.')
param enablePrivateNetworking bool = false

@description('Base URL biobanks call back to (a custom domain); empty uses the app\'s https default host name.')
param publicBaseUrl string = ''

@description('Durable Task hub name; give each app or slot sharing the storage account its own.')
param taskHubName string = 'SampleBroker'

@description('Most instances the Flex Consumption plan may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = {
  'azd-env-name': environmentName
  application: 'samplebroker'
}
var deploymentContainerName = 'app-package'
var bootstrapStaffKeySecretName = 'bootstrap-staff-key'
var keyRingSecretName = 'data-protection-key-ring'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    tags: tags
    name: 'id-sb-${token}'
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    workspaceName: 'log-sb-${token}'
    appInsightsName: 'appi-sb-${token}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    name: take('stsb${token}', 24)
    deploymentContainerName: deploymentContainerName
    privateOnly: enablePrivateNetworking
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    name: take('kv-sb-${token}', 24)
    bootstrapStaffKey: bootstrapStaffKey
    bootstrapStaffKeySecretName: bootstrapStaffKeySecretName
    keyRingSecretValue: keyRingSecretValue
    keyRingSecretName: keyRingSecretName
    privateOnly: enablePrivateNetworking
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

module network 'modules/network.bicep' = if (enablePrivateNetworking) {
  name: 'network'
  params: {
    location: location
    tags: tags
    name: 'vnet-sb-${token}'
    storageAccountId: storage.outputs.id
    keyVaultId: vault.outputs.id
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  // The app reads storage and Key Vault at its first start: grant the roles first.
  dependsOn: [
    roles
  ]
  params: {
    location: location
    tags: tags
    planName: 'plan-sb-${token}'
    name: 'func-sb-${token}'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultUri: vault.outputs.uri
    bootstrapStaffKeySecretUri: vault.outputs.bootstrapStaffKeySecretUri
    keyRingSecretName: keyRingSecretName
    taskHubName: taskHubName
    publicBaseUrl: publicBaseUrl
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    subnetId: enablePrivateNetworking ? network!.outputs.appSubnetId : ''
  }
}

output AZURE_LOCATION string = location
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName
output SERVICE_API_ENDPOINT string = 'https://${functionApp.outputs.defaultHostName}'

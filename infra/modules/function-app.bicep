// The Function App on a Flex Consumption (FC1) plan, .NET 10 isolated worker, running as the user-assigned
// identity. Every connection is identity-based; the only secret in its settings is a Key Vault reference.
// Flex Consumption takes the runtime from functionAppConfig: FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION must not be app settings.

@description('Azure region.')
param location string

@description('Tags for every resource (the azd service tag is added here).')
param tags object

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the Function App.')
param name string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Storage account name.')
param storageAccountName string

@description('Blob endpoint of the storage account.')
param blobEndpoint string

@description('Queue endpoint of the storage account.')
param queueEndpoint string

@description('Table endpoint of the storage account.')
param tableEndpoint string

@description('Blob container the plan deploys the app package from.')
param deploymentContainerName string

@description('Application Insights connection string (no key is used: local auth is disabled).')
param appInsightsConnectionString string

@description('Key Vault URI.')
param keyVaultUri string

@description('Versionless URI of the bootstrap staff key secret.')
param bootstrapStaffKeySecretUri string

@description('Name of the secret whose versions encrypt the Data Protection key ring.')
param keyRingSecretName string

@description('Durable Task hub name; unique per app and slot sharing a storage account.')
param taskHubName string

@description('Base URL biobanks call back to; empty derives https://<default host name>.')
param publicBaseUrl string

@description('Most instances the plan may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Subnet for outbound VNet integration; empty for none.')
param subnetId string = ''

var baseSettings = {
  // Host storage, the Durable Task hub and the broker's own clients, all through the identity.
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__blobServiceUri: blobEndpoint
  AzureWebJobsStorage__queueServiceUri: queueEndpoint
  AzureWebJobsStorage__tableServiceUri: tableEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AZURE_CLIENT_ID: identityClientId
  TaskHubName: taskHubName

  // Telemetry with Entra ID authentication (the component has local auth disabled).
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  OTEL_SERVICE_NAME: 'samplebroker'

  // The broker.
  SampleBroker__BootstrapStaffKey: '@Microsoft.KeyVault(SecretUri=${bootstrapStaffKeySecretUri})'
  SampleBroker__KeyVaultUri: keyVaultUri
  SampleBroker__KeyRingSecretName: keyRingSecretName
  SampleBroker__SeedDemoData: 'false'
  SampleBroker__AllowInsecureBiobankEndpoints: 'false'
}

var settings = empty(publicBaseUrl) ? baseSettings : union(baseSettings, { SampleBroker__PublicBaseUrl: publicBaseUrl })

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: settings
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName

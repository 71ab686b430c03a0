// The Event Grid system topic of the storage account: the source of the BlobCreated events that
// drive the blob trigger (Flex Consumption supports only the Event Grid source for blob triggers).
//
// Only the topic is provisioned here. Its subscription to the app's blob webhook needs the
// blobs_extension system key, which exists only once the code is deployed: infra/eventgrid.bicep
// adds it after `azd deploy` (infra/hooks/postdeploy.*; docs/deploy.md).
//
// The topic has its own system-assigned identity so that Event Grid can write undeliverable events
// to the dead-letter container with Entra ID: the account accepts no shared key.

@description('Name of the system topic.')
param name string

@description('Azure region (the storage account\'s).')
param location string

@description('Tags for every resource.')
param tags object = {}

@description('Name of the storage account whose events the topic publishes.')
param storageAccountName string

@description('The blob container Event Grid dead-letters to.')
param deadLetterContainerName string

// Storage Blob Data Contributor: Event Grid writes dead-lettered events as blobs.
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource deadLetterContainer 'containers' existing = {
      name: deadLetterContainerName
    }
  }
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storageAccount.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// Scoped to the one container: the topic can write dead letters and nothing else.
resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount::blobService::deadLetterContainer.id, systemTopic.id, storageBlobDataContributorRoleId)
  scope: storageAccount::blobService::deadLetterContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: systemTopic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = systemTopic.name
output id string = systemTopic.id

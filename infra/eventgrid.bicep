// The Event Grid subscription that feeds the blob trigger: every BlobCreated in inbound-email goes
// to the app's blob webhook, which runs ingest_inbound_mail with the blob.
//
// Deployed after the code (resource group scope) by infra/hooks/postdeploy.sh / .ps1, because the
// webhook's key, the host's blobs_extension system key, exists only once a blob trigger with the
// Event Grid source has been deployed. The key is a secure parameter: it is not kept in the
// deployment's history, and Event Grid returns the endpoint without its query string.
//
// Delivery: Event Grid retries a failed delivery (non-2xx or timeout) with back-off until
// maxDeliveryAttempts or the event's time to live runs out, then writes the event as a blob in the
// dead-letter container, with the topic's own identity (the account takes no shared key).

@description('Name of the Function App.')
param functionAppName string

@description('Name of the Event Grid system topic on the storage account (infra/modules/events.bicep).')
param systemTopicName string

@description('Name of the storage account (the topic\'s source, and where dead letters go).')
param storageAccountName string

@description('The container whose new blobs are delivered.')
param inboundContainerName string = 'inbound-email'

@description('The container Event Grid writes undeliverable events to.')
param deadLetterContainerName string = 'inbound-email-deadletter'

@description('The blob-triggered function the events are for.')
param functionName string = 'ingest_inbound_mail'

@secure()
@minLength(1)
@description('The app\'s blobs_extension system key (az functionapp keys list ... --query systemKeys.blobs_extension).')
param blobsExtensionKey string

@minValue(1)
@maxValue(30)
@description('Delivery attempts before an event is dead-lettered.')
param maxDeliveryAttempts int = 30

@minValue(1)
@maxValue(1440)
@description('Minutes an event is retried before it is dead-lettered.')
param eventTimeToLiveInMinutes int = 1440

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: systemTopicName
}

// The host's blob webhook: it answers Event Grid's validation handshake itself and queues each
// event for the named function (Host.Functions.<function name>).
var webhookUrl = 'https://${site.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}'

// Event Grid names take letters, digits and hyphens only (3-64): the function's underscores become
// hyphens (inbound-email-to-ingest-inbound-mail).
resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: systemTopic
  name: 'inbound-email-to-${replace(functionName, '_', '-')}'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: webhookUrl
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${inboundContainerName}/'
    }
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storageAccount.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output subscriptionName string = subscription.name

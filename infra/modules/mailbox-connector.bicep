// The mailbox connector (deployed when deployMailboxConnector is true): a Logic App (Consumption)
// that writes each new message of the support mailbox, as the raw RFC 5322 message, to the
// inbound-email container, where Event Grid hands it to ingest_inbound_mail.
//
//   When a new email arrives (V3)  (Office 365 Outlook, the connection's mailbox, Inbox)
//   -> Export email (V2)           (the message as .eml bytes)
//   -> Create blob (V2)            (Azure Blob Storage, with the Logic App's managed identity)
//
// Blob names: <yyyy/MM/dd>/<yyyyMMddTHHmmssfffZ>-<run id>.eml. Workflow expressions have no hash
// function, so the workflow run id (unique per trigger firing, opaque, no address in it) stands
// where a hash of the message id would; the desk deduplicates on the Message-ID header anyway.
//
// The Office 365 connection needs a one-time consent in the portal by the mailbox's account
// (API connection -> Edit API connection -> Authorize -> Save); until then the trigger fails.
// docs/deploy.md has the steps.

@description('Name of the Logic App.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object = {}

@description('Name of the storage account the .eml blobs go to.')
param storageAccountName string

@description('The container the connector writes to.')
param inboundContainerName string

@description('The support mailbox (shown on the Office 365 connection; the consenting account must own or be delegated it).')
param mailboxAddress string

@description('The mailbox folder watched for new mail.')
param mailFolder string = 'Inbox'

// Storage Blob Data Contributor: the Logic App writes .eml blobs to inbound-email.
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource inboundContainer 'containers' existing = {
      name: inboundContainerName
    }
  }
}

// Authorised once by a person (OAuth consent); holds a refresh token, never a password in a file.
resource outlookConnection 'Microsoft.Web/connections@2016-06-01' = {
  name: 'office365-${name}'
  location: location
  tags: tags
  properties: {
    displayName: 'Support mailbox ${mailboxAddress}'
    api: {
      id: subscriptionResourceId('Microsoft.Web/locations/managedApis', location, 'office365')
    }
  }
}

// Blob storage through the Logic App's managed identity: no account key (the account has none).
resource blobConnection 'Microsoft.Web/connections@2016-06-01' = {
  name: 'azureblob-${name}'
  location: location
  tags: tags
  properties: {
    displayName: 'inbound-email (managed identity)'
    api: {
      id: subscriptionResourceId('Microsoft.Web/locations/managedApis', location, 'azureblob')
    }
    #disable-next-line BCP037 // the type published for connections@2016-06-01 lacks parameterValueSet, which selects managed-identity authentication
    parameterValueSet: {
      name: 'managedIdentityAuth'
      values: {}
    }
  }
}

var outlook = '@parameters(\'$connections\')[\'office365\'][\'connectionId\']'
var blob = '@parameters(\'$connections\')[\'azureblob\'][\'connectionId\']'
var triggerQueries = {
  folderPath: mailFolder
  importance: 'Any'
  fetchOnlyWithAttachment: false
  includeAttachments: false
}

resource workflow 'Microsoft.Logic/workflows@2019-05-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    state: 'Enabled'
    definition: {
      '$schema': 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#'
      contentVersion: '1.0.0.0'
      parameters: {
        '$connections': {
          type: 'Object'
          defaultValue: {}
        }
      }
      triggers: {
        'When_a_new_email_arrives_(V3)': {
          // A push trigger: the connector subscribes to the mailbox and calls back per message.
          type: 'ApiConnectionNotification'
          splitOn: '@triggerBody()?[\'value\']'
          inputs: {
            host: {
              connection: {
                name: outlook
              }
            }
            fetch: {
              method: 'get'
              pathTemplate: {
                template: '/v3/Mail/OnNewEmail'
              }
              queries: triggerQueries
            }
            subscribe: {
              method: 'post'
              pathTemplate: {
                template: '/GraphMailSubscriptionPoke/$subscriptions'
              }
              body: {
                NotificationUrl: '@{listCallbackUrl()}'
              }
              queries: triggerQueries
            }
          }
        }
      }
      actions: {
        'Export_email_(V2)': {
          type: 'ApiConnection'
          runAfter: {}
          inputs: {
            host: {
              connection: {
                name: outlook
              }
            }
            method: 'get'
            path: '/codeless/beta/me/messages/@{encodeURIComponent(triggerBody()?[\'id\'])}/$value'
          }
        }
        'Create_blob_(V2)': {
          type: 'ApiConnection'
          runAfter: {
            'Export_email_(V2)': [
              'Succeeded'
            ]
          }
          inputs: {
            host: {
              connection: {
                name: blob
              }
            }
            method: 'post'
            path: '/v2/datasets/@{encodeURIComponent(encodeURIComponent(\'${storageAccountName}\'))}/files'
            queries: {
              folderPath: '/${inboundContainerName}/@{formatDateTime(utcNow(), \'yyyy/MM/dd\')}'
              name: '@{formatDateTime(utcNow(), \'yyyyMMddTHHmmssfffZ\')}-@{workflow()[\'run\'][\'name\']}.eml'
              queryParametersSingleEncoded: true
            }
            headers: {
              ReadFileMetadataFromServer: true
              'Content-Type': 'message/rfc822'
            }
            body: '@body(\'Export_email_(V2)\')'
          }
          runtimeConfiguration: {
            contentTransfer: {
              transferMode: 'Chunked'
            }
          }
        }
      }
      outputs: {}
    }
    parameters: {
      '$connections': {
        value: {
          office365: {
            id: outlookConnection.properties.api.id
            connectionId: outlookConnection.id
            connectionName: outlookConnection.name
          }
          azureblob: {
            id: blobConnection.properties.api.id
            connectionId: blobConnection.id
            connectionName: blobConnection.name
            connectionProperties: {
              authentication: {
                type: 'ManagedServiceIdentity'
              }
            }
          }
        }
      }
    }
  }
}

// Scoped to the one container: the connector can write mail there and nowhere else.
resource inboundWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount::blobService::inboundContainer.id, workflow.id, storageBlobDataContributorRoleId)
  scope: storageAccount::blobService::inboundContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: workflow.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = workflow.name
output outlookConnectionName string = outlookConnection.name

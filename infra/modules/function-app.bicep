// The Function App on the Flex Consumption plan (FC1), Python 3.11, running as the user-assigned
// identity, and its app settings: exactly the settings the code reads (tests/unit/test_infra.py
// holds this module to local.settings.sample.json) plus the host's own.
//
// Flex Consumption takes the runtime, package location and scale from functionAppConfig, so the
// settings that other plans use for those are absent on purpose.

@description('Name of the Function App.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object = {}

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('The storage account\'s blob endpoint (https://<account>.blob.core.windows.net/).')
param blobEndpoint string

@description('The storage account\'s queue endpoint.')
param queueEndpoint string

@description('The storage account\'s table endpoint.')
param tableEndpoint string

@description('The blob container that holds the deployment package.')
param deploymentContainerName string

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Always-ready instances, for example [{ name: \'http\', instanceCount: 1 }]; empty for none.')
param alwaysReady array = []

@description('Versionless Key Vault secret URI of MAIL_REPLY_TOKEN_KEY.')
param replyTokenSecretUri string

@description('The ACS endpoint (https://<name>.communication.azure.com).')
param acsEndpoint string

@description('The sender domain of ACS (MAIL_FROM is DoNotReply@ this domain).')
param mailFromSenderDomain string

// The desk's, authentication's, mail's, escalation's and outbox's settings (described in main.bicep).
param ticketPrefix string
param slaResolutionRule string
param calendarRefreshSeconds int
param storageTimeoutSeconds int
param authIssuer string
param authAudience string
param authJwksUrl string
param outboxSchedule string
param mailFromName string
param mailReplyAddress string
param supportTeamAddress string
param portalUrl string
param portalOidcAuthority string
param portalOidcClientId string
param portalOidcScope string
param mailMaxPerMinute int
param staffLanguage string
param escalationSchedule string
param escalationMatrix string
param escalationSupervisorsAddress string
param escalationManagementAddress string

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

resource site 'Microsoft.Web/sites@2024-04-01' = {
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
    // Key Vault references resolve with this identity (there is no system-assigned one).
    keyVaultReferenceIdentity: identityId
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
        alwaysReady: alwaysReady
      }
      runtime: {
        name: 'python'
        version: '3.11'
      }
    }
  }
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // The host's storage, by identity.
    AzureWebJobsStorage__blobServiceUri: blobEndpoint
    AzureWebJobsStorage__queueServiceUri: queueEndpoint
    AzureWebJobsStorage__tableServiceUri: tableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // Telemetry, ingested with Entra ID.
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // The desk's tables, by identity (shared/settings.py).
    TABLES_ENDPOINT: tableEndpoint
    AZURE_CLIENT_ID: identityClientId
    STORAGE_TIMEOUT_SECONDS: string(storageTimeoutSeconds)
    TICKET_PREFIX: ticketPrefix
    SLA_RESOLUTION_RULE: slaResolutionRule
    CALENDAR_REFRESH_SECONDS: string(calendarRefreshSeconds)
    // Authentication (shared/auth.py).
    AUTH_ISSUER: authIssuer
    AUTH_AUDIENCE: authAudience
    AUTH_JWKS_URL: authJwksUrl
    // Mail (shared/mail/settings.py) through ACS with the managed identity.
    MAIL_SENDER_KIND: 'acs'
    ACS_ENDPOINT: acsEndpoint
    MAIL_FROM: 'DoNotReply@${mailFromSenderDomain}'
    MAIL_FROM_NAME: mailFromName
    MAIL_REPLY_ADDRESS: mailReplyAddress
    MAIL_REPLY_TOKEN_KEY: '@Microsoft.KeyVault(SecretUri=${replyTokenSecretUri})'
    SUPPORT_TEAM_ADDRESS: supportTeamAddress
    PORTAL_URL: portalUrl
    // The customer portal's sign-in (functions/portal.py): public values, no secret.
    PORTAL_OIDC_AUTHORITY: portalOidcAuthority
    PORTAL_OIDC_CLIENT_ID: portalOidcClientId
    PORTAL_OIDC_SCOPE: portalOidcScope
    MAIL_MAX_PER_MINUTE: string(mailMaxPerMinute)
    STAFF_LANGUAGE: staffLanguage
    OUTBOX_SCHEDULE: outboxSchedule
    // Escalation (functions/escalation.py).
    ESCALATION_SCHEDULE: escalationSchedule
    ESCALATION_MATRIX: escalationMatrix
    ESCALATION_SUPERVISORS_ADDRESS: escalationSupervisorsAddress
    ESCALATION_MANAGEMENT_ADDRESS: escalationManagementAddress
  }
}

// Publishing goes through Entra ID (azd / One Deploy); basic-auth publishing credentials are off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName

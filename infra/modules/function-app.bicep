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

@description('The storage account the mail functions bind to (MailStorage): its blob endpoint.')
param mailBlobEndpoint string

@description('The MailStorage account\'s queue endpoint (the blob trigger keeps its receipts and poison queue there).')
param mailQueueEndpoint string

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

@description('MAIL_FROM: the address ACS sends as (infra/modules/communication.bicep decides it).')
param mailFrom string

// The desk's, authentication's, mail's, escalation's, outbox's and email-in settings (described in main.bicep).
param ticketPrefix string
param slaResolutionRule string
param calendarRefreshSeconds int
param consoleRefreshSeconds int
param ticketCreationBurst int
param ticketCreationPerHour int
param storageTimeoutSeconds int
param authIssuer string
param authAudience string
param authJwksUrl string
param authStaffIssuer string
param authStaffAudience string
param authStaffJwksUrl string
param authCustomerClaim string
param authMaxTokenLifetimeSeconds int
param outboxSchedule string
param viewsRepairSchedule string
param outboxSweepGraceSeconds int
param outboxLeaseSeconds int
param mailFromName string
param mailReplyAddress string
param supportTeamAddress string
param securityTeamAddress string
param portalUrl string
param portalOidcAuthority string
param portalOidcClientId string
param portalOidcScope string
param consoleOidcAuthority string
param consoleOidcClientId string
param consoleOidcScope string
param consoleHeartbeatSeconds int
param mailMaxPerMinute int
param mailMaxPerHour int
param staffLanguage string
param escalationSchedule string
param searchRepairSchedule string
param escalationMatrix string
param escalationSupervisorsAddress string
param escalationManagementAddress string

// Email in (shared/mail/inbound): limits, reopening, retention, loop and flood guard, defaults, purge timer.
param inboundMaxMessageBytes int
param inboundMaxAttachments int
param inboundMaxAttachmentBytes int
param inboundReopenDays int
param inboundRetentionDays int
param inboundLoopMaxMessages int
param inboundCustomerMaxMessages int
param inboundLoopWindowMinutes int
param inboundDefaultCategory string
param inboundDefaultPriority int
param inboundPurgeSchedule string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  // checkov:skip=CKV_AZURE_225: Flex Consumption instances are placed by the platform; zone redundancy for FC1 is not in every region and needs always-ready instances (cost), so it is left to a later decision
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
  // checkov:skip=CKV_AZURE_222: the desk's API is public by design (customers on the internet); every route but health, calendar status and openapi needs a bearer token checked in code
  // checkov:skip=CKV_AZURE_17: callers authenticate with bearer tokens (docs/security.md), not TLS client certificates, which browsers of customers do not hold
  // checkov:skip=CKV_AZURE_212: Flex Consumption scales out on demand and places instances itself; a minimum instance count is the alwaysReady parameter, off by default to scale to zero
  // checkov:skip=CKV_AZURE_78: checkov looks for siteConfig.ftpsState, which Flex Consumption lists among its deprecated site properties; FTP is off through the ftp basicPublishingCredentialsPolicies resource (allow: false), which the check does not read
  // checkov:skip=CKV_AZURE_213: no App Service health-check path (instance eviction) is relied on: Flex Consumption instances come and go with load; the availability test in modules/alerts.bicep calls /api/health and alerts
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
    // No ftpsState: Flex Consumption lists it among its deprecated site properties; FTP is off
    // through the ftp publishing-credentials policy below.
    siteConfig: {
      minTlsVersion: '1.2'
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
  // checkov:skip=CKV_AZURE_66: failed request tracing is an IIS (Windows App Service) log; the app runs on Linux Flex Consumption and its requests go to Application Insights
  // checkov:skip=CKV_AZURE_63: App Service HTTP logs do not exist on Flex Consumption; every request is in Application Insights (host.json keeps requests out of sampling)
  // checkov:skip=CKV_AZURE_222: this resource holds app settings, not network rules; the site's public access is justified on the site resource
  // checkov:skip=CKV_AZURE_80: the app is Python 3.11 (functionAppConfig.runtime); there is no .NET Framework to keep current
  // checkov:skip=CKV_AZURE_13: App Service Authentication (Easy Auth) is not used: the app validates bearer tokens itself, per route and role (shared/adapters/auth/tokens.py, docs/security.md)
  // checkov:skip=CKV_AZURE_88: Flex Consumption uses no Azure Files content share (those settings are deprecated there); the package is in blob storage
  // checkov:skip=CKV_AZURE_65: detailed error pages are an IIS feature absent on Linux Flex Consumption; errors are RFC 9457 problem documents and telemetry
  parent: site
  name: 'appsettings'
  properties: {
    // The host's storage, by identity.
    AzureWebJobsStorage__blobServiceUri: blobEndpoint
    AzureWebJobsStorage__queueServiceUri: queueEndpoint
    AzureWebJobsStorage__tableServiceUri: tableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // The mail functions' connection (blob trigger on inbound-email with the Event Grid source,
    // queue trigger on webjobs-blobtrigger-poison), by identity. A blob trigger needs the queue
    // endpoint too: the host tracks blob receipts and poison blobs in queues of the same account.
    MailStorage__blobServiceUri: mailBlobEndpoint
    MailStorage__queueServiceUri: mailQueueEndpoint
    MailStorage__credential: 'managedidentity'
    MailStorage__clientId: identityClientId
    // Telemetry, ingested with Entra ID.
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // The desk's tables, by identity (shared/config/app.py).
    TABLES_ENDPOINT: tableEndpoint
    AZURE_CLIENT_ID: identityClientId
    STORAGE_TIMEOUT_SECONDS: string(storageTimeoutSeconds)
    TICKET_PREFIX: ticketPrefix
    SLA_RESOLUTION_RULE: slaResolutionRule
    CALENDAR_REFRESH_SECONDS: string(calendarRefreshSeconds)
    CONSOLE_REFRESH_SECONDS: string(consoleRefreshSeconds)
    TICKET_CREATION_BURST: string(ticketCreationBurst)
    TICKET_CREATION_PER_HOUR: string(ticketCreationPerHour)
    // Authentication (shared/adapters/auth/tokens.py).
    AUTH_ISSUER: authIssuer
    AUTH_AUDIENCE: authAudience
    AUTH_JWKS_URL: authJwksUrl
    AUTH_STAFF_ISSUER: authStaffIssuer
    AUTH_STAFF_AUDIENCE: authStaffAudience
    AUTH_STAFF_JWKS_URL: authStaffJwksUrl
    AUTH_CUSTOMER_CLAIM: authCustomerClaim
    AUTH_MAX_TOKEN_LIFETIME_SECONDS: string(authMaxTokenLifetimeSeconds)
    // Mail (shared/config/mail.py) through ACS with the managed identity.
    MAIL_SENDER_KIND: 'acs'
    ACS_ENDPOINT: acsEndpoint
    MAIL_FROM: mailFrom
    MAIL_FROM_NAME: mailFromName
    MAIL_REPLY_ADDRESS: mailReplyAddress
    MAIL_REPLY_TOKEN_KEY: '@Microsoft.KeyVault(SecretUri=${replyTokenSecretUri})'
    SUPPORT_TEAM_ADDRESS: supportTeamAddress
    SECURITY_TEAM_ADDRESS: securityTeamAddress
    PORTAL_URL: portalUrl
    // The customer portal's sign-in (functions/portal.py): public values, no secret.
    PORTAL_OIDC_AUTHORITY: portalOidcAuthority
    PORTAL_OIDC_CLIENT_ID: portalOidcClientId
    PORTAL_OIDC_SCOPE: portalOidcScope
    CONSOLE_OIDC_AUTHORITY: consoleOidcAuthority
    CONSOLE_OIDC_CLIENT_ID: consoleOidcClientId
    CONSOLE_OIDC_SCOPE: consoleOidcScope
    CONSOLE_HEARTBEAT_SECONDS: string(consoleHeartbeatSeconds)
    MAIL_MAX_PER_MINUTE: string(mailMaxPerMinute)
    MAIL_MAX_PER_HOUR: string(mailMaxPerHour)
    STAFF_LANGUAGE: staffLanguage
    OUTBOX_SCHEDULE: outboxSchedule
    VIEWS_REPAIR_SCHEDULE: viewsRepairSchedule
    OUTBOX_SWEEP_GRACE_SECONDS: string(outboxSweepGraceSeconds)
    OUTBOX_LEASE_SECONDS: string(outboxLeaseSeconds)
    // Escalation (functions/escalation.py).
    ESCALATION_SCHEDULE: escalationSchedule
    ESCALATION_MATRIX: escalationMatrix
    ESCALATION_SUPERVISORS_ADDRESS: escalationSupervisorsAddress
    ESCALATION_MANAGEMENT_ADDRESS: escalationManagementAddress
    // Search (functions/search.py).
    SEARCH_REPAIR_SCHEDULE: searchRepairSchedule
    // Email in (functions: ingest_inbound_mail, quarantine_poisoned_mail, purge_inbound_mail).
    INBOUND_MAX_MESSAGE_BYTES: string(inboundMaxMessageBytes)
    INBOUND_MAX_ATTACHMENTS: string(inboundMaxAttachments)
    INBOUND_MAX_ATTACHMENT_BYTES: string(inboundMaxAttachmentBytes)
    INBOUND_REOPEN_DAYS: string(inboundReopenDays)
    INBOUND_RETENTION_DAYS: string(inboundRetentionDays)
    INBOUND_LOOP_MAX_MESSAGES: string(inboundLoopMaxMessages)
    INBOUND_CUSTOMER_MAX_MESSAGES: string(inboundCustomerMaxMessages)
    INBOUND_LOOP_WINDOW_MINUTES: string(inboundLoopWindowMinutes)
    INBOUND_DEFAULT_CATEGORY: inboundDefaultCategory
    INBOUND_DEFAULT_PRIORITY: string(inboundDefaultPriority)
    INBOUND_PURGE_SCHEDULE: inboundPurgeSchedule
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

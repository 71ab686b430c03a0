// The support desk on Azure: everything `azd up` provisions. Subscription scope: the template creates
// the resource group (rg-<environment name>) and deploys the modules into it.
//
// The desk runs with one user-assigned managed identity and no key or connection string anywhere:
// storage and ACS by identity, telemetry by Entra ID, the one secret from Key Vault.
targetScope = 'subscription'

// ---------------------------------------------------------------------------------------------
// Environment

@minLength(1)
@maxLength(64)
@description('The azd environment name; names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region of the resources (one where Flex Consumption is available).')
param location string

@description('Resource group name; empty for rg-<environmentName>.')
param resourceGroupName string = ''

// ---------------------------------------------------------------------------------------------
// Function App scale (Flex Consumption)

@minValue(40)
@maxValue(1000)
@description('Most instances the app scales out to.')
param maximumInstanceCount int = 40

@allowed([
  512
  2048
  4096
])
@description('Memory of each instance, in MB.')
param instanceMemoryMB int = 2048

@description('Always-ready instances, for example [{ name: \'http\', instanceCount: 1 }]; empty for none (scale to zero).')
param alwaysReady array = []

// ---------------------------------------------------------------------------------------------
// Identity provider (shared/adapters/auth/tokens.py)

@minLength(1)
@description('AUTH_ISSUER: the customers\' issuer, the iss their bearer tokens carry (External ID: https://<tenant-id>.ciamlogin.com/<tenant-id>/v2.0); its tokens may hold the customer role only.')
param authIssuer string

@minLength(1)
@description('AUTH_AUDIENCE: the aud a customer\'s bearer token must carry (the API app registration\'s Application ID URI or client id in the customers\' tenant).')
param authAudience string

@minLength(1)
@description('AUTH_JWKS_URL: the customers\' issuer\'s signing keys (External ID: https://<tenant>.ciamlogin.com/<tenant-id>/discovery/v2.0/keys).')
param authJwksUrl string

@minLength(1)
@description('AUTH_STAFF_ISSUER: the staff issuer, the iss staff bearer tokens carry (Entra ID: https://login.microsoftonline.com/<tenant-id>/v2.0); its tokens may hold staff roles only. Must differ from AUTH_ISSUER.')
param authStaffIssuer string

@minLength(1)
@description('AUTH_STAFF_AUDIENCE: the aud a staff bearer token must carry (the API app registration\'s Application ID URI or client id in the staff tenant).')
param authStaffAudience string

@minLength(1)
@description('AUTH_STAFF_JWKS_URL: the staff issuer\'s signing keys (Entra ID: https://login.microsoftonline.com/<tenant-id>/discovery/v2.0/keys).')
param authStaffJwksUrl string

@minLength(1)
@description('AUTH_CUSTOMER_CLAIM: the token claim that carries a customer\'s company id.')
param authCustomerClaim string = 'customer_id'

@minValue(1)
@description('AUTH_MAX_TOKEN_LIFETIME_SECONDS: the longest a bearer token may live (exp minus iat); 28 hours admits Entra\'s longest access tokens.')
param authMaxTokenLifetimeSeconds int = 100800

// ---------------------------------------------------------------------------------------------
// The customer portal's sign-in (functions/portal.py, docs/portal.md): Microsoft Entra External ID.

@description('PORTAL_OIDC_AUTHORITY: the portal\'s OpenID Connect authority (External ID: https://<tenant>.ciamlogin.com/<tenant-id>/v2.0); empty: the portal cannot sign in yet.')
param portalOidcAuthority string = ''

@description('PORTAL_OIDC_CLIENT_ID: the portal\'s app registration (a single-page application: public client, PKCE).')
param portalOidcClientId string = ''

@description('PORTAL_OIDC_SCOPE: what the portal asks for, the API\'s delegated scope included (api://<api-client-id>/tickets.access).')
param portalOidcScope string = 'openid profile'

// ---------------------------------------------------------------------------------------------
// The staff console's sign-in (shared/config/console.py, docs/console.md): Microsoft Entra ID.

@description('CONSOLE_OIDC_AUTHORITY: the console\'s OpenID Connect authority, the staff issuer (https://login.microsoftonline.com/<tenant-id>/v2.0); empty: the console cannot sign in yet.')
param consoleOidcAuthority string = ''

@description('CONSOLE_OIDC_CLIENT_ID: the console\'s app registration in the staff tenant (a single-page application: public client, PKCE).')
param consoleOidcClientId string = ''

@description('CONSOLE_OIDC_SCOPE: what the console asks for, the API\'s delegated scope included (api://<api-client-id>/tickets.access).')
param consoleOidcScope string = 'openid profile'

// The console's presence on the ticket screen (shared/config/presence.py, docs/console.md).

@minValue(1)
@maxValue(300)
@description('CONSOLE_HEARTBEAT_SECONDS: how often the ticket screen sends its presence heartbeat; a mark expires after 2.5 of them.')
param consoleHeartbeatSeconds int = 15

// ---------------------------------------------------------------------------------------------
// The desk (shared/config/app.py)

@description('TICKET_PREFIX: the letters of ticket ids (2 to 5 capitals).')
param ticketPrefix string = 'IZ'

@allowed([
  'working_hours'
  'end_of_working_day'
])
@description('SLA_RESOLUTION_RULE.')
param slaResolutionRule string = 'working_hours'

@minValue(1)
@description('CALENDAR_REFRESH_SECONDS: how long a worker keeps the closure periods.')
param calendarRefreshSeconds int = 60

@minValue(1)
@description('CONSOLE_REFRESH_SECONDS: how often the console refreshes its lists.')
param consoleRefreshSeconds int = 30

@minValue(1)
@description('TICKET_CREATION_BURST: how many tickets a customer may open over the API at once (its token bucket\'s size).')
param ticketCreationBurst int = 10

@minValue(1)
@description('TICKET_CREATION_PER_HOUR: how many tickets an hour a customer may open over the API in the long run.')
param ticketCreationPerHour int = 60

@minValue(1)
@description('STORAGE_TIMEOUT_SECONDS: connect and read timeout of storage calls.')
param storageTimeoutSeconds int = 5

// ---------------------------------------------------------------------------------------------
// Mail (shared/config/mail.py)

@minLength(3)
@description('MAIL_REPLY_ADDRESS: the support mailbox customers reply to.')
param supportMailboxAddress string

@description('MAIL_FROM_NAME: the display name of the sender.')
param mailFromName string = 'Interzen Support'

@description('SUPPORT_TEAM_ADDRESS: where news of the queue goes; empty for no team mails.')
param supportTeamAddress string = ''

@description('SECURITY_TEAM_ADDRESS: where every staff mail about a vulnerability ticket goes (instead of the team, assignee, supervisors, management); empty for none at all.')
param securityTeamAddress string = ''

@description('PORTAL_URL: the customer portal linked from mails; empty for no link.')
param portalUrl string = ''

@minValue(2)
@description('MAIL_MAX_PER_MINUTE: the ACS resource\'s mails a minute, kept by one budget for every instance (the Azure-managed domain allows 5; a custom domain 30 to start).')
param mailMaxPerMinute int = 5

@minValue(2)
@description('MAIL_MAX_PER_HOUR: the ACS resource\'s mails an hour, kept by the same budget (the Azure-managed domain allows 10; a custom domain 100 to start).')
param mailMaxPerHour int = 10

@allowed([
  'it'
  'en'
])
@description('STAFF_LANGUAGE: the language of mails to staff, and the console\'s until a member chooses one.')
param staffLanguage string = 'it'

@description('OUTBOX_SCHEDULE: the outbox sweep timer (NCRONTAB, UTC).')
param outboxSchedule string = '0 */1 * * * *'

@description('VIEWS_REPAIR_SCHEDULE: the view index repair sweep timer (NCRONTAB, UTC).')
param viewsRepairSchedule string = '30 */1 * * * *'

@minValue(1)
@description('OUTBOX_SWEEP_GRACE_SECONDS: how old a pending mail must be before the sweep sends it.')
param outboxSweepGraceSeconds int = 60

@minValue(1)
@description('OUTBOX_LEASE_SECONDS: how long a dispatcher\'s claim on a mail lasts.')
param outboxLeaseSeconds int = 120

@description('A custom sender domain (for example mail.example.com); empty to send from the Azure-managed domain.')
param customEmailDomain string = ''

@description('True once the custom domain\'s DNS records are verified: it is then linked and used as the sender.')
param customEmailDomainVerified bool = false

@description('True once Microsoft has raised the verified custom domain\'s sending limits above the default: the sender is then mailFromUsername with MAIL_FROM_NAME as its display name (not allowed before, nor on the Azure-managed domain, where the sender stays DoNotReply without a display name).')
param customEmailDomainSendingLimitsRaised bool = false

@description('MAIL_FROM\'s local part on a custom domain with raised sending limits (elsewhere DoNotReply).')
param mailFromUsername string = 'DoNotReply'

@description('Where ACS keeps its data at rest.')
param emailDataLocation string = 'Europe'

@secure()
@minLength(16)
@description('MAIL_REPLY_TOKEN_KEY: signs per-ticket reply addresses. azd generates it once and keeps it in the environment; it goes to Key Vault only.')
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 48
      noSpecial: true
    }
  }
})
param mailReplyTokenKey string

// ---------------------------------------------------------------------------------------------
// Escalation (functions/escalation.py)

@description('ESCALATION_SCHEDULE: the escalation timer (NCRONTAB, UTC).')
param escalationSchedule string = '0 */5 * * * *'

@description('SEARCH_REPAIR_SCHEDULE: the search index repair timer (NCRONTAB, UTC).')
param searchRepairSchedule string = '0 */5 * * * *'

@description('ESCALATION_MATRIX: increasing percentages of the SLA that raise levels 1, 2, 3.')
param escalationMatrix string = '75,100,150'

@description('ESCALATION_SUPERVISORS_ADDRESS: who hears of level 2; empty for nobody.')
param escalationSupervisorsAddress string = ''

@description('ESCALATION_MANAGEMENT_ADDRESS: who hears of level 3; empty for nobody.')
param escalationManagementAddress string = ''

// ---------------------------------------------------------------------------------------------
// Email in (shared/mail/inbound; functions ingest_inbound_mail, quarantine_poisoned_mail,
// purge_inbound_mail)

@minValue(1)
@description('INBOUND_MAX_MESSAGE_BYTES: larger raw messages are quarantined.')
param inboundMaxMessageBytes int = 26214400

@minValue(0)
@description('INBOUND_MAX_ATTACHMENTS: attachments kept per message.')
param inboundMaxAttachments int = 10

@minValue(1)
@description('INBOUND_MAX_ATTACHMENT_BYTES: larger attachments are not kept.')
param inboundMaxAttachmentBytes int = 10485760

@minValue(0)
@description('INBOUND_REOPEN_DAYS: a reply within this many days of closing reopens the ticket.')
param inboundReopenDays int = 14

@minValue(1)
@description('INBOUND_RETENTION_DAYS: raw mail older than this is purged.')
param inboundRetentionDays int = 90

@minValue(1)
@description('INBOUND_LOOP_MAX_MESSAGES: mails from one sender to one customer within the window; more are held as a suspected loop.')
param inboundLoopMaxMessages int = 10

@minValue(1)
@description('INBOUND_CUSTOMER_MAX_MESSAGES: mails to one customer within the window; more are held as a flood.')
param inboundCustomerMaxMessages int = 20

@minValue(1)
@description('INBOUND_LOOP_WINDOW_MINUTES: the window of the loop and flood counts.')
param inboundLoopWindowMinutes int = 10

@description('INBOUND_DEFAULT_CATEGORY: the category of a ticket opened by mail.')
param inboundDefaultCategory string = 'helpdesk'

@minValue(1)
@maxValue(4)
@description('INBOUND_DEFAULT_PRIORITY: the priority of a ticket opened by mail.')
param inboundDefaultPriority int = 3

@description('INBOUND_PURGE_SCHEDULE: the purge timer (NCRONTAB, UTC).')
param inboundPurgeSchedule string = '0 30 2 * * *'

@description('Deploy the mailbox connector (Logic App, Office 365 Outlook -> inbound-email). Its connection needs a one-time consent in the portal (docs/deploy.md).')
param deployMailboxConnector bool = false

// ---------------------------------------------------------------------------------------------
// Monitoring

@description('Where alerts (availability, function failures, SLA breaches, quarantined and unsent mail) are mailed; empty for none.')
param alertEmailAddress string = ''

// ---------------------------------------------------------------------------------------------
// Names

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
// A resource group name cannot end with a period, which an azd environment name can: periods become
// hyphens (desk.prod -> rg-desk-prod).
var defaultResourceGroupName = 'rg-${replace(environmentName, '.', '-')}'
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}'

// The storage layout: the same names as shared/adapters/storage_layout.py (tests/unit/test_infra.py checks).
var tableNames = [
  'Tickets'
  'TicketIds'
  'Customers'
  'CustomerAddresses'
  'Closures'
  'StaffDirectory'
  'CannedReplies'
  'Audit'
  'OutboxIndex'
  'Escalations'
  'InboundMail'
  'Presence'
  'SearchIndex'
  'ConsoleViews'
]
var blobContainerNames = [
  'inbound-email'
  'inbound-quarantine'
  'ticket-attachments'
  'inbound-email-deadletter'
]
var queueNames = [
  'webjobs-blobtrigger-poison'
]
// Where the mailbox connector writes raw mail, and where Event Grid dead-letters its deliveries
// (both among the containers above).
var inboundContainerName = 'inbound-email'
var eventGridDeadLetterContainerName = 'inbound-email-deadletter'

resource rg 'Microsoft.Resources/resourceGroups@2024-07-01' = {
  name: empty(resourceGroupName) ? defaultResourceGroupName : resourceGroupName
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    workspaceName: 'log-${resourceToken}'
    appInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    tableNames: tableNames
    blobContainerNames: blobContainerNames
    queueNames: queueNames
  }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  scope: rg
  params: {
    communicationServiceName: 'acs-${resourceToken}'
    emailServiceName: 'ecs-${resourceToken}'
    dataLocation: emailDataLocation
    tags: tags
    customDomain: customEmailDomain
    customDomainVerified: customEmailDomainVerified
    customDomainSendingLimitsRaised: customEmailDomainSendingLimitsRaised
    senderUsername: mailFromUsername
    senderDisplayName: mailFromName
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    replyTokenKey: mailReplyTokenKey
  }
}

// The storage account's Event Grid topic; its subscription to the blob trigger comes after the code
// deploy (infra/eventgrid.bicep, run by the azd postdeploy hook).
module events 'modules/events.bicep' = {
  name: 'events'
  scope: rg
  params: {
    name: 'evgt-${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    deadLetterContainerName: eventGridDeadLetterContainerName
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    communicationServiceName: communication.outputs.communicationServiceName
    keyVaultName: keyVault.outputs.name
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    mailBlobEndpoint: storage.outputs.blobEndpoint
    mailQueueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    alwaysReady: alwaysReady
    replyTokenSecretUri: keyVault.outputs.replyTokenSecretUri
    acsEndpoint: communication.outputs.endpoint
    mailFrom: communication.outputs.mailFrom
    ticketPrefix: ticketPrefix
    slaResolutionRule: slaResolutionRule
    calendarRefreshSeconds: calendarRefreshSeconds
    consoleRefreshSeconds: consoleRefreshSeconds
    ticketCreationBurst: ticketCreationBurst
    ticketCreationPerHour: ticketCreationPerHour
    storageTimeoutSeconds: storageTimeoutSeconds
    authIssuer: authIssuer
    authAudience: authAudience
    authJwksUrl: authJwksUrl
    authStaffIssuer: authStaffIssuer
    authStaffAudience: authStaffAudience
    authStaffJwksUrl: authStaffJwksUrl
    authCustomerClaim: authCustomerClaim
    authMaxTokenLifetimeSeconds: authMaxTokenLifetimeSeconds
    outboxSchedule: outboxSchedule
    viewsRepairSchedule: viewsRepairSchedule
    outboxSweepGraceSeconds: outboxSweepGraceSeconds
    outboxLeaseSeconds: outboxLeaseSeconds
    mailFromName: mailFromName
    mailReplyAddress: supportMailboxAddress
    supportTeamAddress: supportTeamAddress
    securityTeamAddress: securityTeamAddress
    portalUrl: portalUrl
    portalOidcAuthority: portalOidcAuthority
    portalOidcClientId: portalOidcClientId
    portalOidcScope: portalOidcScope
    consoleOidcAuthority: consoleOidcAuthority
    consoleOidcClientId: consoleOidcClientId
    consoleOidcScope: consoleOidcScope
    consoleHeartbeatSeconds: consoleHeartbeatSeconds
    mailMaxPerMinute: mailMaxPerMinute
    mailMaxPerHour: mailMaxPerHour
    staffLanguage: staffLanguage
    escalationSchedule: escalationSchedule
    searchRepairSchedule: searchRepairSchedule
    escalationMatrix: escalationMatrix
    escalationSupervisorsAddress: escalationSupervisorsAddress
    escalationManagementAddress: escalationManagementAddress
    inboundMaxMessageBytes: inboundMaxMessageBytes
    inboundMaxAttachments: inboundMaxAttachments
    inboundMaxAttachmentBytes: inboundMaxAttachmentBytes
    inboundReopenDays: inboundReopenDays
    inboundRetentionDays: inboundRetentionDays
    inboundLoopMaxMessages: inboundLoopMaxMessages
    inboundCustomerMaxMessages: inboundCustomerMaxMessages
    inboundLoopWindowMinutes: inboundLoopWindowMinutes
    inboundDefaultCategory: inboundDefaultCategory
    inboundDefaultPriority: inboundDefaultPriority
    inboundPurgeSchedule: inboundPurgeSchedule
  }
  // The identity's roles first, so the host starts with storage, Key Vault and ACS reachable.
  dependsOn: [
    rbac
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    appInsightsName: monitoring.outputs.appInsightsName
    namePrefix: resourceToken
    functionAppHostName: functionApp.outputs.defaultHostName
    alertEmailAddress: alertEmailAddress
  }
}

module mailboxConnector 'modules/mailbox-connector.bicep' = if (deployMailboxConnector) {
  name: 'mailbox-connector'
  scope: rg
  params: {
    name: 'logic-mailbox-${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    inboundContainerName: inboundContainerName
    mailboxAddress: supportMailboxAddress
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output AZURE_CLIENT_ID string = identity.outputs.clientId
output ACS_ENDPOINT string = communication.outputs.endpoint
output MAIL_FROM string = communication.outputs.mailFrom
// What infra/hooks/postdeploy.* needs to subscribe the blob trigger to the topic.
output EVENT_GRID_SYSTEM_TOPIC_NAME string = events.outputs.name
output INBOUND_CONTAINER_NAME string = inboundContainerName
output EVENT_GRID_DEAD_LETTER_CONTAINER_NAME string = eventGridDeadLetterContainerName
// The connector is conditional: its outputs are read through safe dereference (empty when it is off).
output MAILBOX_CONNECTOR_NAME string = mailboxConnector.?outputs.name ?? ''

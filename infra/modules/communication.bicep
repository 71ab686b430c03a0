// Azure Communication Services Email: an Email Communication Service with the Azure-managed domain
// (always), an optional custom domain, and the Communication Service the app sends through.
//
// A custom domain can be linked only once its DNS records are verified, so it takes two deployments:
// first with customDomain set (creates the domain; add the DNS records it shows, verify them), then
// with customDomainVerified = true (links it and makes it the sender domain). See docs/deploy.md.
//
// The sender: every domain has the username DoNotReply, without a display name. Microsoft allows
// sender usernames (a MailFrom address with its display name) only on a custom domain whose sending
// limits are raised above the default, never on the Azure-managed domain; so the display name is
// deployed, as the sender username senderUsername, only once customDomainSendingLimitsRaised is true.

@description('Name of the Communication Service.')
param communicationServiceName string

@description('Name of the Email Communication Service.')
param emailServiceName string

@description('Where ACS keeps its data at rest (for example Europe, United States).')
param dataLocation string

@description('Tags for every resource.')
param tags object = {}

@description('A custom sender domain (for example mail.example.com); empty for the Azure-managed domain only.')
param customDomain string = ''

@description('True once the custom domain\'s DNS records are verified: then it is linked and used as sender.')
param customDomainVerified bool = false

@description('True once Microsoft has raised the verified custom domain\'s sending limits above the default (a support request): sender usernames are allowed only then.')
param customDomainSendingLimitsRaised bool = false

@description('The sender address\'s local part where a sender username is allowed (MAIL_FROM = <this>@<custom domain>).')
param senderUsername string = 'DoNotReply'

@description('The sender\'s display name (MAIL_FROM_NAME), carried by the sender username.')
param senderDisplayName string

// (customDomainVerified first: the offline parser, pycep, reads `!a && b` as `!(a && b)`.)
var useCustomDomain = customDomainVerified && !empty(customDomain)
var useSenderUsername = useCustomDomain && customDomainSendingLimitsRaised
// DoNotReply: the username every domain has, Azure-managed or custom.
var senderLocalPart = useSenderUsername ? senderUsername : 'DoNotReply'
var senderDomain = useCustomDomain ? customDomain : managedDomain.properties.mailFromSenderDomain

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource ownDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = if (!empty(customDomain)) {
  parent: emailService
  name: empty(customDomain) ? 'unused' : customDomain
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'CustomerManaged'
    userEngagementTracking: 'Disabled'
  }
}

// MAIL_FROM's local part with MAIL_FROM_NAME as its display name (the default DoNotReply is updated
// in place when senderUsername is left at it).
resource sender 'Microsoft.Communication/emailServices/domains/senderUsernames@2023-04-01' = if (useSenderUsername) {
  parent: ownDomain
  name: senderUsername
  properties: {
    username: senderUsername
    displayName: senderDisplayName
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: concat([managedDomain.id], useCustomDomain ? ['${emailService.id}/domains/${customDomain}'] : [])
  }
  dependsOn: [
    ownDomain
  ]
}

output communicationServiceName string = communicationService.name
output endpoint string = 'https://${communicationService.properties.hostName}'
output senderDomain string = senderDomain
// The address the app sends as (MAIL_FROM).
output mailFrom string = '${senderLocalPart}@${senderDomain}'

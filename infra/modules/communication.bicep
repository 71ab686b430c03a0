// Azure Communication Services Email: an Email Communication Service with the Azure-managed domain
// (always), an optional custom domain, and the Communication Service the app sends through.
//
// A custom domain can be linked only once its DNS records are verified, so it takes two deployments:
// first with customDomain set (creates the domain; add the DNS records it shows, verify them), then
// with customDomainVerified = true (links it and makes it the sender domain). See docs/deploy.md.

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

var useCustomDomain = !empty(customDomain) && customDomainVerified

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
output senderDomain string = useCustomDomain ? customDomain : managedDomain.properties.mailFromSenderDomain

// Key Vault (RBAC authorisation) holding the desk's one secret: the key that signs per-ticket reply
// addresses. The app reads it through a Key Vault reference, never from a file.

@description('Name of the Key Vault (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object = {}

@description('Name of the secret that holds MAIL_REPLY_TOKEN_KEY.')
param replyTokenSecretName string = 'mail-reply-token-key'

@secure()
@minLength(16)
@description('The value of MAIL_REPLY_TOKEN_KEY (at least 16 characters).')
param replyTokenKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  // checkov:skip=CKV_AZURE_109: no firewall rules: the Flex Consumption app has no fixed outbound addresses without VNet integration; access is by RBAC to the app's identity only
  // checkov:skip=CKV_AZURE_189: public network access stays on for the same reason (no private endpoint without a VNet); every call needs an Entra ID token and a role on this vault
  // checkov:skip=CKV_AZURE_110: purge protection cannot be turned off once on and blocks azd down --purge of test environments; soft delete (7 days) is on, and the one secret can be set again
  // checkov:skip=CKV_AZURE_42: recoverable means soft delete plus purge protection; soft delete is on, purge protection is left off as said for CKV_AZURE_110
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource replyTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  // checkov:skip=CKV_AZURE_41: the reply-token key signs reply addresses customers keep using; an expiry would break them silently, so it is rotated by decision (docs/deploy.md), not by date
  parent: vault
  name: replyTokenSecretName
  properties: {
    value: replyTokenKey
    contentType: 'text/plain'
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
// Versionless: the app follows a rotated secret without a redeployment.
output replyTokenSecretUri string = replyTokenSecret.properties.secretUri

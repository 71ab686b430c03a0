# azd postdeploy hook (Windows / PowerShell 7): the same steps as postdeploy.sh. Subscribe the blob
# trigger (ingest_inbound_mail) to the storage account's Event Grid topic by deploying
# infra/eventgrid.bicep with the app's blobs_extension system key, which exists only once the code
# is deployed. The key goes to the deployment as a secure parameter through a temporary file that
# only the current user can read, removed at the end; it is never printed. Safe to re-run.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

foreach ($name in 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'AZURE_STORAGE_ACCOUNT_NAME', 'EVENT_GRID_SYSTEM_TOPIC_NAME') {
    if (-not [Environment]::GetEnvironmentVariable($name)) {
        throw "$name is not set: run through azd (azd deploy / azd up) or set the azd environment's values"
    }
}
$group = $env:AZURE_RESOURCE_GROUP
$app = $env:AZURE_FUNCTION_APP_NAME
$inbound = if ($env:INBOUND_CONTAINER_NAME) { $env:INBOUND_CONTAINER_NAME } else { 'inbound-email' }
$deadLetter = if ($env:EVENT_GRID_DEAD_LETTER_CONTAINER_NAME) { $env:EVENT_GRID_DEAD_LETTER_CONTAINER_NAME } else { 'inbound-email-deadletter' }
$functionName = 'ingest_inbound_mail'
$attempts = if ($env:BLOBS_KEY_ATTEMPTS) { [int]$env:BLOBS_KEY_ATTEMPTS } else { 30 }
$template = Join-Path $PSScriptRoot '..' 'eventgrid.bicep'

az functionapp function show --resource-group $group --name $app --function-name $functionName --only-show-errors --output none 2>$null
if ($LASTEXITCODE -ne 0) {
    Write-Host "postdeploy: $app has no $functionName function yet; Event Grid subscription not created."
    exit 0
}

# Wake the host so that it writes its system keys.
$hostName = az functionapp show --resource-group $group --name $app --query defaultHostName --output tsv
try { Invoke-WebRequest -Uri "https://$hostName/api/health" -TimeoutSec 30 -SkipHttpErrorCheck | Out-Null } catch { }

$key = ''
for ($attempt = 1; $attempt -le $attempts; $attempt++) {
    $key = az functionapp keys list --resource-group $group --name $app --query systemKeys.blobs_extension --output tsv --only-show-errors 2>$null
    if ($key) { break }
    Write-Host "postdeploy: waiting for the blobs_extension key ($attempt/$attempts)"
    Start-Sleep -Seconds 10
}
if (-not $key) {
    throw "postdeploy: no blobs_extension key on $app; run infra/hooks/postdeploy.ps1 again once the app has started"
}

$parameters = New-TemporaryFile
try {
    if (-not $IsWindows) { chmod 600 $parameters.FullName }
    @{ blobsExtensionKey = @{ value = $key } } | ConvertTo-Json -Compress | Set-Content -Path $parameters.FullName -NoNewline
    Remove-Variable key
    Write-Host "postdeploy: subscribing $functionName to BlobCreated in $inbound"
    az deployment group create `
        --resource-group $group `
        --name eventgrid-inbound-email `
        --template-file $template `
        --parameters "@$($parameters.FullName)" `
        --parameters functionAppName=$app systemTopicName=$env:EVENT_GRID_SYSTEM_TOPIC_NAME `
            storageAccountName=$env:AZURE_STORAGE_ACCOUNT_NAME inboundContainerName=$inbound `
            deadLetterContainerName=$deadLetter functionName=$functionName `
        --only-show-errors --output none
    if ($LASTEXITCODE -ne 0) { throw 'postdeploy: the Event Grid deployment failed' }
}
finally {
    Remove-Item -Force $parameters.FullName -ErrorAction SilentlyContinue
}
Write-Host 'postdeploy: Event Grid subscription in place'

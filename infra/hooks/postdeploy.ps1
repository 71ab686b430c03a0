# azd postdeploy hook (Windows / PowerShell 7): the same steps, settings and exit codes as
# postdeploy.sh, which describes them. Subscribe the blob trigger (ingest_inbound_mail) to the
# storage account's Event Grid topic by deploying infra/eventgrid.bicep with the app's
# blobs_extension system key, which exists only once the code is deployed. The key goes to the
# deployment as a secure parameter through a temporary file that only the current user can read,
# removed at the end; it is never printed (a `code=` in an error message is masked). Safe to re-run.
#
# Exit codes: 2 no Azure CLI, 3 not logged in, 4 ingest_inbound_mail never listed, 5 no
# blobs_extension key, 6 the Event Grid deployment keeps failing, 7 a wrong setting; 0 when the
# subscription is in place or POSTDEPLOY_SKIP_EVENT_GRID=true skips it (with a warning).
#
# PowerShell is not available where the project is tested: tests/unit/infra/test_postdeploy_hook.py runs
# postdeploy.sh only, and tests/unit/infra/test_infra.py holds this script to the same codes, settings and
# deployment parameters.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Say([string]$Message) { Write-Host "postdeploy: $Message" }
function Fail([int]$Code, [string]$Message) {
    [Console]::Error.WriteLine("postdeploy: $Message")
    exit $Code
}
function Count([string]$Name, [int]$Default) {
    $value = [Environment]::GetEnvironmentVariable($Name)
    if (-not $value) { return $Default }
    if ($value -notmatch '^[0-9]+$') { Fail 7 "$Name must be a whole number, not '$value'" }
    return [int]$value
}
function Show-Errors([string[]]$Lines) {
    foreach ($line in $Lines) { [Console]::Error.WriteLine('  ' + ($line -replace '(code=)[^&" ]*', '$1***')) }
}

$skip = if ($env:POSTDEPLOY_SKIP_EVENT_GRID) { $env:POSTDEPLOY_SKIP_EVENT_GRID } else { 'false' }
if ($skip -eq 'true') {
    [Console]::Error.WriteLine('postdeploy: POSTDEPLOY_SKIP_EVENT_GRID=true: the Event Grid subscription is NOT created, so no mail reaches ingest_inbound_mail; run this hook without it to subscribe')
    exit 0
}
if ($skip -ne 'false') { Fail 7 "POSTDEPLOY_SKIP_EVENT_GRID must be true or false, not '$skip'" }

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
$functionAttempts = Count 'POSTDEPLOY_FUNCTION_ATTEMPTS' 30
$keyAttempts = Count 'BLOBS_KEY_ATTEMPTS' 30
$pause = Count 'POSTDEPLOY_PAUSE_SECONDS' 10
$deployAttempts = Count 'POSTDEPLOY_DEPLOY_ATTEMPTS' 5
$deployPause = Count 'POSTDEPLOY_DEPLOY_PAUSE_SECONDS' 30
$template = Join-Path $PSScriptRoot '..' 'eventgrid.bicep'

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    Fail 2 'the Azure CLI (az) is not installed: install it (https://aka.ms/azure-cli), run az login, then azd hooks run postdeploy'
}
az account show --only-show-errors --output none 2>$null | Out-Null
if ($LASTEXITCODE -ne 0) {
    Fail 3 'the Azure CLI is not logged in: run az login (and az account set --subscription <id>), then azd hooks run postdeploy'
}

for ($attempt = 1; ; $attempt++) {
    $errors = az functionapp function show --resource-group $group --name $app --function-name $functionName --only-show-errors --output none 2>&1
    if ($LASTEXITCODE -eq 0) { break }
    if ($attempt -ge $functionAttempts) {
        Show-Errors $errors
        Fail 4 "$app lists no $functionName function after $functionAttempts tries: check the deploy (az functionapp function list -g $group -n $app), then azd hooks run postdeploy"
    }
    Say "waiting for $app to list $functionName ($attempt/$functionAttempts)"
    Start-Sleep -Seconds $pause
}

# Wake the host so that it writes its system keys (a cold Flex app has none until it starts).
$hostName = az functionapp show --resource-group $group --name $app --query defaultHostName --output tsv --only-show-errors 2>$null
if ($hostName) {
    try { Invoke-WebRequest -Uri "https://$hostName/api/health" -TimeoutSec 30 -SkipHttpErrorCheck | Out-Null } catch { }
}

$key = ''
for ($attempt = 1; ; $attempt++) {
    $key = az functionapp keys list --resource-group $group --name $app --query systemKeys.blobs_extension --output tsv --only-show-errors 2>$null
    if ($key) { break }
    if ($attempt -ge $keyAttempts) {
        Fail 5 "no blobs_extension key on $app after $keyAttempts reads: run azd hooks run postdeploy again once the app has started"
    }
    Say "waiting for the blobs_extension key ($attempt/$keyAttempts)"
    Start-Sleep -Seconds $pause
}

$parameters = New-TemporaryFile
try {
    if (-not $IsWindows) { chmod 600 $parameters.FullName }
    @{ blobsExtensionKey = @{ value = $key } } | ConvertTo-Json -Compress | Set-Content -Path $parameters.FullName -NoNewline
    Remove-Variable key
    # Creating the subscription makes Event Grid call the blob webhook (its validation handshake);
    # on Flex the blob functions are their own scale group, whose cold host can reject the first calls.
    Say "subscribing $functionName to BlobCreated in $inbound"
    for ($attempt = 1; ; $attempt++) {
        $errors = az deployment group create `
            --resource-group $group `
            --name eventgrid-inbound-email `
            --template-file $template `
            --parameters "@$($parameters.FullName)" `
            --parameters functionAppName=$app systemTopicName=$env:EVENT_GRID_SYSTEM_TOPIC_NAME `
            storageAccountName=$env:AZURE_STORAGE_ACCOUNT_NAME inboundContainerName=$inbound `
            deadLetterContainerName=$deadLetter functionName=$functionName `
            --only-show-errors --output none 2>&1
        if ($LASTEXITCODE -eq 0) { break }
        Show-Errors $errors
        if ($attempt -ge $deployAttempts) {
            Fail 6 "the Event Grid subscription failed to deploy $deployAttempts times (errors above): see docs/deploy.md, The Event Grid subscription, then azd hooks run postdeploy"
        }
        Say "the Event Grid subscription did not deploy ($attempt/$deployAttempts; a cold blob host can fail the validation handshake): again in ${deployPause}s"
        Start-Sleep -Seconds $deployPause
    }
}
finally {
    Remove-Item -Force $parameters.FullName -ErrorAction SilentlyContinue
}
Say 'Event Grid subscription in place'

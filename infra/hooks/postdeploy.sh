#!/bin/sh
# azd postdeploy hook: subscribe the blob trigger (ingest_inbound_mail) to the storage account's
# Event Grid topic by deploying infra/eventgrid.bicep with the app's blobs_extension system key.
#
# The key exists only once code with an Event Grid blob trigger is deployed, which is why this runs
# after `azd deploy` and not in `azd provision`. It reaches the deployment as a secure parameter
# through a file readable only by the current user, removed on exit; it is never printed.
# Re-running it is harmless: the deployment is idempotent (and picks up a rotated key).
#
# Needs the Azure CLI, logged in (`az login`); azd passes its environment's values as variables.
set -eu

: "${AZURE_RESOURCE_GROUP:?run through azd (azd deploy / azd up) or export the azd environment}"
: "${AZURE_FUNCTION_APP_NAME:?}"
: "${AZURE_STORAGE_ACCOUNT_NAME:?}"
: "${EVENT_GRID_SYSTEM_TOPIC_NAME:?}"
INBOUND_CONTAINER_NAME="${INBOUND_CONTAINER_NAME:-inbound-email}"
EVENT_GRID_DEAD_LETTER_CONTAINER_NAME="${EVENT_GRID_DEAD_LETTER_CONTAINER_NAME:-inbound-email-deadletter}"
FUNCTION_NAME=ingest_inbound_mail
ATTEMPTS="${BLOBS_KEY_ATTEMPTS:-30}"   # 10 s apart: the host creates the key when it first starts

here=$(cd "$(dirname "$0")" && pwd)
template="$here/../eventgrid.bicep"

if ! az functionapp function show --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
  --function-name "$FUNCTION_NAME" --only-show-errors --output none 2>/dev/null; then
  echo "postdeploy: $AZURE_FUNCTION_APP_NAME has no $FUNCTION_NAME function yet; Event Grid subscription not created."
  exit 0
fi

# Wake the host so that it writes its system keys (a cold Flex app has none until it starts).
curl --silent --output /dev/null --max-time 30 "https://$(az functionapp show --resource-group "$AZURE_RESOURCE_GROUP" \
  --name "$AZURE_FUNCTION_APP_NAME" --query defaultHostName --output tsv)/api/health" || true

key=""
attempt=1
while [ "$attempt" -le "$ATTEMPTS" ]; do
  key=$(az functionapp keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
    --query systemKeys.blobs_extension --output tsv --only-show-errors 2>/dev/null || true)
  [ -n "$key" ] && break
  echo "postdeploy: waiting for the blobs_extension key ($attempt/$ATTEMPTS)"
  attempt=$((attempt + 1))
  sleep 10
done
if [ -z "$key" ]; then
  echo "postdeploy: no blobs_extension key on $AZURE_FUNCTION_APP_NAME; run infra/hooks/postdeploy.sh again once the app has started" >&2
  exit 1
fi

umask 077
parameters=$(mktemp)
trap 'rm -f "$parameters"' EXIT
trap 'exit 1' INT TERM
printf '{"blobsExtensionKey": {"value": "%s"}}\n' "$key" >"$parameters"
unset key

echo "postdeploy: subscribing $FUNCTION_NAME to BlobCreated in $INBOUND_CONTAINER_NAME"
az deployment group create \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --name eventgrid-inbound-email \
  --template-file "$template" \
  --parameters "@$parameters" \
  --parameters functionAppName="$AZURE_FUNCTION_APP_NAME" \
      systemTopicName="$EVENT_GRID_SYSTEM_TOPIC_NAME" \
      storageAccountName="$AZURE_STORAGE_ACCOUNT_NAME" \
      inboundContainerName="$INBOUND_CONTAINER_NAME" \
      deadLetterContainerName="$EVENT_GRID_DEAD_LETTER_CONTAINER_NAME" \
      functionName="$FUNCTION_NAME" \
  --only-show-errors --output none
echo "postdeploy: Event Grid subscription in place"

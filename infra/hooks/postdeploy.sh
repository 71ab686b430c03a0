#!/bin/sh
# azd postdeploy hook: subscribe the blob trigger (ingest_inbound_mail) to the storage account's
# Event Grid topic by deploying infra/eventgrid.bicep with the app's blobs_extension system key.
#
# The key exists only once code with an Event Grid blob trigger is deployed, which is why this runs
# after `azd deploy` and not in `azd provision`. It reaches the deployment as a secure parameter
# through a file readable only by the current user, removed on exit; it is never printed (a `code=`
# in an error message is masked). Re-running it is harmless: the deployment is idempotent (and picks
# up a rotated key).
#
# It fails loudly: without the subscription no mail reaches the desk, so it exits non-zero unless the
# step is done, and says why:
#   2  the Azure CLI (az) is not installed        3  az is not logged in
#   4  the app never lists ingest_inbound_mail   5  the host never creates its blobs_extension key
#   6  the Event Grid deployment keeps failing   7  a setting below has a wrong value
# Only POSTDEPLOY_SKIP_EVENT_GRID=true skips the step (exit 0, with a warning), for an environment
# that knowingly goes without inbound mail.
#
# Settings (azd env set NAME value; azd passes its environment's values to the hook):
#   POSTDEPLOY_SKIP_EVENT_GRID       true to skip the subscription (default false)
#   POSTDEPLOY_FUNCTION_ATTEMPTS     lookups of ingest_inbound_mail: the list syncs some time after
#                                    a deploy (default 30)
#   BLOBS_KEY_ATTEMPTS               reads of the blobs_extension key (default 30)
#   POSTDEPLOY_PAUSE_SECONDS         pause between lookups and reads (default 10)
#   POSTDEPLOY_DEPLOY_ATTEMPTS       deployments of eventgrid.bicep: Event Grid's validation handshake
#                                    can fail while the blob group's host starts (default 5)
#   POSTDEPLOY_DEPLOY_PAUSE_SECONDS  pause between deployments (default 30)
set -eu

say() { printf 'postdeploy: %s\n' "$*"; }
fail() {
  code=$1
  shift
  printf 'postdeploy: %s\n' "$*" >&2
  exit "$code"
}
count() { # count NAME VALUE DEFAULT: a whole number setting, or exit 7
  value=${2:-$3}
  case "$value" in
    '' | *[!0-9]*) fail 7 "$1 must be a whole number, not '$value'" ;;
  esac
  printf '%s' "$value"
}

case "${POSTDEPLOY_SKIP_EVENT_GRID:-false}" in
  true | TRUE | True)
    say "POSTDEPLOY_SKIP_EVENT_GRID=true: the Event Grid subscription is NOT created, so no mail reaches ingest_inbound_mail; run this hook without it to subscribe" >&2
    exit 0
    ;;
  false | FALSE | False) ;;
  *) fail 7 "POSTDEPLOY_SKIP_EVENT_GRID must be true or false, not '${POSTDEPLOY_SKIP_EVENT_GRID}'" ;;
esac

: "${AZURE_RESOURCE_GROUP:?run through azd (azd deploy / azd up) or export the azd environment}"
: "${AZURE_FUNCTION_APP_NAME:?}"
: "${AZURE_STORAGE_ACCOUNT_NAME:?}"
: "${EVENT_GRID_SYSTEM_TOPIC_NAME:?}"
INBOUND_CONTAINER_NAME="${INBOUND_CONTAINER_NAME:-inbound-email}"
EVENT_GRID_DEAD_LETTER_CONTAINER_NAME="${EVENT_GRID_DEAD_LETTER_CONTAINER_NAME:-inbound-email-deadletter}"
FUNCTION_NAME=ingest_inbound_mail
FUNCTION_ATTEMPTS=$(count POSTDEPLOY_FUNCTION_ATTEMPTS "${POSTDEPLOY_FUNCTION_ATTEMPTS:-}" 30)
KEY_ATTEMPTS=$(count BLOBS_KEY_ATTEMPTS "${BLOBS_KEY_ATTEMPTS:-}" 30)
PAUSE=$(count POSTDEPLOY_PAUSE_SECONDS "${POSTDEPLOY_PAUSE_SECONDS:-}" 10)
DEPLOY_ATTEMPTS=$(count POSTDEPLOY_DEPLOY_ATTEMPTS "${POSTDEPLOY_DEPLOY_ATTEMPTS:-}" 5)
DEPLOY_PAUSE=$(count POSTDEPLOY_DEPLOY_PAUSE_SECONDS "${POSTDEPLOY_DEPLOY_PAUSE_SECONDS:-}" 30)

here=$(cd "$(dirname "$0")" && pwd)
template="$here/../eventgrid.bicep"
app="$AZURE_FUNCTION_APP_NAME"
group="$AZURE_RESOURCE_GROUP"

command -v az >/dev/null 2>&1 ||
  fail 2 "the Azure CLI (az) is not installed: install it (https://aka.ms/azure-cli), run az login, then azd hooks run postdeploy"
az account show --only-show-errors --output none >/dev/null 2>&1 ||
  fail 3 "the Azure CLI is not logged in: run az login (and az account set --subscription <id>), then azd hooks run postdeploy"

umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
errors="$work/errors"
parameters="$work/parameters.json"

# The errors az printed last, with any key masked.
show_errors() { sed -e 's/\(code=\)[^&" ]*/\1***/g' -e 's/^/  /' "$errors" >&2; }

# until_listed ATTEMPTS CODE FAILURE WAITING COMMAND...: run COMMAND until it succeeds, PAUSE apart;
# after ATTEMPTS failures, show az's last errors and exit CODE saying FAILURE.
until_listed() {
  attempts=$1 code=$2 failure=$3 waiting=$4
  shift 4
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$attempts" ]; then
      show_errors
      fail "$code" "$failure"
    fi
    say "$waiting ($attempt/$attempts)"
    attempt=$((attempt + 1))
    sleep "$PAUSE"
  done
}
function_listed() {
  az functionapp function show --resource-group "$group" --name "$app" --function-name "$FUNCTION_NAME" \
    --only-show-errors --output none 2>"$errors"
}
key_read() {
  key=$(az functionapp keys list --resource-group "$group" --name "$app" \
    --query systemKeys.blobs_extension --output tsv --only-show-errors 2>"$errors" || true)
  [ -n "$key" ]
}

until_listed "$FUNCTION_ATTEMPTS" 4 \
  "$app lists no $FUNCTION_NAME function after $FUNCTION_ATTEMPTS tries: check the deploy (az functionapp function list -g $group -n $app), then azd hooks run postdeploy" \
  "waiting for $app to list $FUNCTION_NAME" function_listed

# Wake the host so that it writes its system keys (a cold Flex app has none until it starts).
host=$(az functionapp show --resource-group "$group" --name "$app" --query defaultHostName --output tsv \
  --only-show-errors 2>"$errors" || true)
if [ -n "$host" ] && command -v curl >/dev/null 2>&1; then
  curl --silent --output /dev/null --max-time 30 "https://$host/api/health" || true
fi

key=""
until_listed "$KEY_ATTEMPTS" 5 \
  "no blobs_extension key on $app after $KEY_ATTEMPTS reads: run azd hooks run postdeploy again once the app has started" \
  "waiting for the blobs_extension key" key_read
printf '{"blobsExtensionKey": {"value": "%s"}}\n' "$key" >"$parameters"
unset key

# Creating the subscription makes Event Grid call the blob webhook (its validation handshake); on
# Flex the blob functions are their own scale group, whose cold host can reject the first calls.
attempt=1
say "subscribing $FUNCTION_NAME to BlobCreated in $INBOUND_CONTAINER_NAME"
until az deployment group create \
  --resource-group "$group" \
  --name eventgrid-inbound-email \
  --template-file "$template" \
  --parameters "@$parameters" \
  --parameters functionAppName="$app" \
  systemTopicName="$EVENT_GRID_SYSTEM_TOPIC_NAME" \
  storageAccountName="$AZURE_STORAGE_ACCOUNT_NAME" \
  inboundContainerName="$INBOUND_CONTAINER_NAME" \
  deadLetterContainerName="$EVENT_GRID_DEAD_LETTER_CONTAINER_NAME" \
  functionName="$FUNCTION_NAME" \
  --only-show-errors --output none 2>"$errors"; do
  show_errors
  if [ "$attempt" -ge "$DEPLOY_ATTEMPTS" ]; then
    fail 6 "the Event Grid subscription failed to deploy $DEPLOY_ATTEMPTS times (errors above): see docs/deploy.md, The Event Grid subscription, then azd hooks run postdeploy"
  fi
  say "the Event Grid subscription did not deploy ($attempt/$DEPLOY_ATTEMPTS; a cold blob host can fail the validation handshake): again in ${DEPLOY_PAUSE}s"
  attempt=$((attempt + 1))
  sleep "$DEPLOY_PAUSE"
done
say "Event Grid subscription in place"

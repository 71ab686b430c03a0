// What wakes someone up: an availability test on /api/health and alerts, all sent to one action
// group (email).
//
// - availability: the standard web test fails from 2 or more of its locations;
// - function failures: invocations that ended in an error (requests with success == false), HTTP
//   answers below 500 excepted (401, 404, 412, ... are the API working as designed);
// - SLA breached, mail quarantined, mail not sent: the app logs a WARNING whose message starts with
//   `sla_breached `, `mail_quarantined ` or `mail_send_failed `; the host sends Python logging to
//   Application Insights as `traces`, and a scheduled query counts them.
//
// Log alerts query the Application Insights component (classic table names: requests, traces).

@description('Azure region of the web test and the log alerts (the component\'s).')
param location string

@description('Tags for every resource.')
param tags object = {}

@description('Name of the Application Insights component.')
param appInsightsName string

@description('Name prefix of the alert resources.')
param namePrefix string

@description('Host name of the Function App (the availability test calls https://<host>/api/health).')
param functionAppHostName string

@description('Where alerts are mailed; empty for an action group with no receiver (alerts still show in the portal).')
param alertEmailAddress string = ''

@description('Availability test period, in seconds.')
@allowed([
  300
  600
  900
])
param availabilityFrequencySeconds int = 300

@description('How often the log alerts run and how far back each looks.')
param logAlertWindow string = 'PT5M'

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

var emailReceivers = [
  {
    name: 'on-call'
    emailAddress: alertEmailAddress
    useCommonAlertSchema: true
  }
]

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${namePrefix}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'desk-alerts'
    enabled: true
    emailReceivers: empty(alertEmailAddress) ? [] : emailReceivers
  }
}

var healthTestName = 'health-${namePrefix}'

// A standard test: an HTTPS GET from five locations, healthy only on 200 (the health function
// answers 503 when Table Storage does not). The hidden-link tag ties it to the component.
resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: healthTestName
  location: location
  tags: union(tags, {
    'hidden-link:${appInsights.id}': 'Resource'
  })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: healthTestName
    Name: 'GET /api/health'
    Description: 'The desk answers and reaches Table Storage.'
    Enabled: true
    Frequency: availabilityFrequencySeconds
    Timeout: 30
    Kind: 'standard'
    RetryEnabled: true
    Locations: [
      {
        Id: 'emea-nl-ams-azr'
      }
      {
        Id: 'emea-gb-db3-azr'
      }
      {
        Id: 'emea-fr-pra-edge'
      }
      {
        Id: 'emea-se-sto-edge'
      }
      {
        Id: 'emea-ch-zrh-edge'
      }
    ]
    Request: {
      RequestUrl: 'https://${functionAppHostName}/api/health'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource healthAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'health-unavailable-${namePrefix}'
  location: 'global'
  tags: tags
  properties: {
    description: '/api/health failed from 2 or more test locations.'
    severity: 1
    enabled: true
    scopes: [
      healthTest.id
      appInsights.id
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: appInsights.id
      failedLocationCount: 2
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

// One log alert per signal: name, severity, description, query (a row per occurrence).
var logAlerts = [
  {
    name: 'function-failures'
    severity: 2
    description: 'Function invocations failed (HTTP answers below 500 excepted).'
    query: 'requests | where success == false | where not(resultCode startswith "4")'
  }
  {
    name: 'sla-breached'
    severity: 2
    description: 'A ticket breached an SLA clock (log: sla_breached ticket=<id> clock=<clock> level=<n>).'
    query: 'traces | where severityLevel >= 2 | where message startswith "sla_breached "'
  }
  {
    name: 'mail-quarantined'
    severity: 3
    description: 'An inbound mail was quarantined (log: mail_quarantined mail=<id> reason=<reason>).'
    query: 'traces | where severityLevel >= 2 | where message startswith "mail_quarantined "'
  }
  {
    name: 'mail-send-failed'
    severity: 2
    description: 'A notification could not be sent and was given up (log: mail_send_failed notification=<id>).'
    query: 'traces | where severityLevel >= 2 | where message startswith "mail_send_failed "'
  }
]

resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in logAlerts: {
    name: '${alert.name}-${namePrefix}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: alert.name
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        appInsights.id
      ]
      evaluationFrequency: logAlertWindow
      windowSize: logAlertWindow
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: false
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

output actionGroupId string = actionGroup.id
output healthTestId string = healthTest.id

{{/*
Dead letters in the cluster. eventing-rabbitmq drops an event whose retries are spent unless a
dead-letter sink is set, and then only the Broker's sink serves the Triggers that have no delivery
of their own (pkg/reconciler/trigger: a Trigger with its own delivery uses its own sink, or none):
the generated Triggers have none, the Broker has the sink (broker.yaml).
*/}}

{{/* "true" when the dead-letter keeper (functions.deadletters) is deployed, else empty. */}}
{{- define "ecommerce.deadLettersEnabled" -}}
{{- if (index (include "ecommerce.functions" . | fromYaml) "deadletters" | default dict).enabled }}true{{ end -}}
{{- end }}

{{/*
The dead-letter sink, as a Knative Destination in YAML: broker.delivery.deadLetterSink when set,
else the keeper's /dead-letters/<its delivery credential> (eventing/dead-letters checks it, as a
function checks the credential in a Trigger's URI), else empty: no sink.
*/}}
{{- define "ecommerce.deadLetterSink" -}}
{{- with (.Values.broker.delivery | default dict).deadLetterSink -}}
{{- toYaml . -}}
{{- else -}}
{{- if include "ecommerce.deadLettersEnabled" . -}}
ref:
  apiVersion: serving.knative.dev/v1
  kind: Service
  name: deadletters
uri: /dead-letters/{{ include "ecommerce.deliveryCredential" (list . "deadletters") }}
{{- end -}}
{{- end -}}
{{- end }}

{{/* Where a replay publishes: the ingress Service eventing-rabbitmq makes for the Broker (<broker>-broker-ingress). */}}
{{- define "ecommerce.brokerIngressUrl" -}}
{{- printf "http://%s-broker-ingress.%s.svc.cluster.local" (include "ecommerce.brokerName" .) .Release.Namespace -}}
{{- end }}

{{/* The CronJob that lists or replays the dead letters: (list $ "list"|"replay"); a CronJob's name has 52 characters at most. */}}
{{- define "ecommerce.deadLettersJobName" -}}
{{- printf "%s-dead-letters-%s" (include "ecommerce.fullname" (index . 0) | trunc 32 | trimSuffix "-") (index . 1) -}}
{{- end }}

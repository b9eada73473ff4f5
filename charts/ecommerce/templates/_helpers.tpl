{{/*
Names, labels and values shared by every template. The tests render the chart with the real
`helm template` (test/deploy/helm-template.ts).
*/}}

{{/* The chart's name, as a DNS label. */}}
{{- define "ecommerce.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{/* <release>-<chart>, or the release name when it already contains the chart's name. */}}
{{- define "ecommerce.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end }}

{{- define "ecommerce.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ecommerce.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "ecommerce.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "ecommerce.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ecommerce
{{- end }}

{{/* The platform's image: repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "ecommerce.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end }}

{{- define "ecommerce.configName" -}}
{{- printf "%s-config" (include "ecommerce.fullname" .) -}}
{{- end }}

{{/*
The Broker and its RabbitmqBrokerConfig. eventing-rabbitmq's webhook refuses any change to the spec
of either once created (the Broker's whole spec, delivery included), and Knative refuses a change
of a Trigger's spec.broker. So each object's name carries a short hash of its spec: changed
settings make new objects, which helm creates before deleting the old ones, instead of an update
the webhook would reject. Every reference goes through "ecommerce.brokerName".
*/}}

{{/* The RabbitmqBrokerConfig's spec (queue type, RabbitMQ cluster or connection Secret). */}}
{{- define "ecommerce.brokerConfigSpec" -}}
{{- $b := .Values.broker -}}
queueType: {{ $b.queueType }}
rabbitmqClusterReference:
  {{- if $b.connectionSecret }}
  connectionSecret:
    name: {{ $b.connectionSecret }}
  {{- else }}
  name: {{ $b.rabbitmqCluster.name }}
  namespace: {{ $b.rabbitmqCluster.namespace | default .Release.Namespace }}
  {{- end }}
{{- end }}

{{/*
What the created Broker's name starts with: broker.name, else the release's full name, short
enough that eventing-rabbitmq's Service <broker>-broker-ingress stays a 63-character DNS label.
*/}}
{{- define "ecommerce.brokerBaseName" -}}
{{- .Values.broker.name | default (include "ecommerce.fullname" .) | trunc 39 | trimSuffix "-" -}}
{{- end }}

{{- define "ecommerce.brokerConfigName" -}}
{{- printf "%s-rabbitmq-%s" (include "ecommerce.brokerBaseName" .) (include "ecommerce.brokerConfigSpec" . | sha256sum | trunc 8) -}}
{{- end }}

{{/* The created Broker's spec. */}}
{{- define "ecommerce.brokerSpec" -}}
config:
  apiVersion: eventing.knative.dev/v1alpha1
  kind: RabbitmqBrokerConfig
  name: {{ include "ecommerce.brokerConfigName" . }}
{{- /* Every generated Trigger's delivery, and the dead-letter sink (_dead-letters.tpl). */}}
{{- $delivery := omit (.Values.broker.delivery | default dict) "deadLetterSink" }}
{{- $deadLetterSink := include "ecommerce.deadLetterSink" . }}
{{- if or $delivery $deadLetterSink }}
delivery:
  {{- with $delivery }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
  {{- with $deadLetterSink }}
  deadLetterSink:
    {{- . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
8 hex digits that change whenever the Broker the release uses would: of broker.name and the
Broker's spec when this release creates it, of broker.name alone when it uses an existing one.
*/}}
{{- define "ecommerce.brokerHash" -}}
{{- if .Values.broker.create -}}
{{- printf "%s\n%s" (include "ecommerce.brokerBaseName" .) (include "ecommerce.brokerSpec" .) | sha256sum | trunc 8 -}}
{{- else -}}
{{- .Values.broker.name | sha256sum | trunc 8 -}}
{{- end -}}
{{- end }}

{{/*
The Broker every Trigger, the SinkBinding, the PingSource and the NetworkPolicy use:
<base>-<hash> when this release creates it, else broker.name (an existing Broker).
*/}}
{{- define "ecommerce.brokerName" -}}
{{- if .Values.broker.create -}}
{{- printf "%s-%s" (include "ecommerce.brokerBaseName" .) (include "ecommerce.brokerHash" .) -}}
{{- else -}}
{{- .Values.broker.name -}}
{{- end -}}
{{- end }}

{{/*
A generated Trigger's name: (list $ "<trigger>") → <fullname>-<broker hash>-<trigger> (by default
the Broker's name and the trigger's). The release's prefix keeps two releases apart in one
namespace; the hash makes a new Broker come with new Triggers, as a Trigger's spec.broker cannot
change. At most 63 characters (eventing-rabbitmq puts it in a label): a long prefix is shortened.
*/}}
{{- define "ecommerce.triggerName" -}}
{{- $root := index . 0 -}}
{{- $suffix := printf "-%s-%s" (include "ecommerce.brokerHash" $root) (index . 1) -}}
{{- $room := sub 63 (len $suffix) | int -}}
{{- if lt $room 1 -}}
{{- fail (printf "Trigger %s: its name is too long for a Kubernetes label" (index . 1)) -}}
{{- end -}}
{{- printf "%s%s" (include "ecommerce.fullname" $root | trunc $room | trimSuffix "-") $suffix -}}
{{- end }}

{{/*
Every function's settings: functionDefaults, overridden key by key by its entry in `functions`,
as YAML (read back with fromYaml). hasKey rather than `default`, so that an override of 0 or false
(minScale: 0, database: false) is kept. `annotations` are merged: the function's win, key by key.
*/}}
{{- define "ecommerce.functions" -}}
{{- $all := dict -}}
{{- range $name, $overrides := .Values.functions -}}
{{- $given := $overrides | default dict -}}
{{- $settings := dict -}}
{{- range $key, $default := $.Values.functionDefaults -}}
{{- $_ := set $settings $key (ternary (index $given $key) $default (hasKey $given $key)) -}}
{{- end -}}
{{- $_ := set $settings "annotations" (merge (deepCopy ($given.annotations | default dict)) $.Values.functionDefaults.annotations) -}}
{{- $_ := set $all $name $settings -}}
{{- end -}}
{{- toYaml $all -}}
{{- end }}

{{/*
The non-secret configuration as YAML (KEY: "value"): the ConfigMap's data, and the migration
Job's env (a pre-install hook runs before the ConfigMap exists, so it cannot read it).
*/}}
{{- define "ecommerce.configData" -}}
{{- $c := .Values.config -}}
NODE_ENV: "production"
SERVICE_NAMESPACE: {{ .Release.Namespace | quote }}
LOG_LEVEL: {{ $c.logLevel | quote }}
ACCESS_LOG: {{ $c.accessLog | toString | quote }}
DATABASE_PREFIX: {{ $c.databasePrefix | quote }}
DATABASE_POOL_MAX: {{ $c.databasePoolMax | toString | quote }}
REDIS_URL: {{ $c.redisUrl | quote }}
{{- with $c.redisKeyPrefix }}
REDIS_KEY_PREFIX: {{ . | quote }}
{{- end }}
JWT_ISSUER: {{ $c.jwtIssuer | quote }}
JWT_TTL_SECONDS: {{ $c.jwtTtlSeconds | toString | quote }}
JWT_MAX_SESSION_SECONDS: {{ $c.jwtMaxSessionSeconds | toString | quote }}
S3_ENDPOINT: {{ $c.s3.endpoint | quote }}
S3_PUBLIC_ENDPOINT: {{ $c.s3.publicEndpoint | quote }}
S3_REGION: {{ $c.s3.region | quote }}
SMTP_HOST: {{ $c.smtp.host | quote }}
SMTP_PORT: {{ $c.smtp.port | toString | quote }}
SITE_NAME: {{ $c.site.name | quote }}
SITE_DOMAIN: {{ $c.site.domain | quote }}
{{- range $key, $value := $c.extra }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* An env entry read from a Secret: (dict "name" .. "secret" .. "key" ..). */}}
{{- define "ecommerce.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end }}

{{/* The Secret that holds the release's platform secret. */}}
{{- define "ecommerce.platformSecretName" -}}
{{- printf "%s-platform" (include "ecommerce.fullname" .) -}}
{{- end }}

{{/*
The release's platform secret: platform.secret when set, else the one already in the cluster (an
upgrade keeps it), else 48 random characters. Helm evaluates randAlphaNum anew at every call, so
the first call stores the value in .Values.platform (one map for every template of a render) and
every later call, from any template, returns that one.
*/}}
{{- define "ecommerce.platformSecret" -}}
{{- $platform := .Values.platform -}}
{{- if not $platform.resolvedSecret -}}
{{- $value := $platform.secret -}}
{{- if not $value -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "ecommerce.platformSecretName" .) -}}
{{- $value = dig "data" "secret" "" $existing | b64dec -}}
{{- end -}}
{{- $_ := set $platform "resolvedSecret" ($value | default (randAlphaNum 48)) -}}
{{- end -}}
{{- $platform.resolvedSecret -}}
{{- end }}

{{/*
The credential the broker presents to a function, in the Trigger's URI (/events/<credential>):
(list $ "<function>") → hex SHA-256 of "<secret>:deliver:<function>". The function computes the
same from PLATFORM_SECRET; the secret itself never leaves the Secret.
*/}}
{{- define "ecommerce.deliveryCredential" -}}
{{- printf "%s:deliver:%s" (include "ecommerce.platformSecret" (index . 0)) (index . 1) | sha256sum -}}
{{- end }}

{{/*
What Nginx sends in X-Proxy-Token to vouch for X-Real-IP: hex SHA-256 of "<secret>:proxy", which
the gateway computes the same way from PLATFORM_SECRET (functions/kit/credentials.ts).
*/}}
{{- define "ecommerce.proxyCredential" -}}
{{- printf "%s:proxy" (include "ecommerce.platformSecret" .) | sha256sum -}}
{{- end }}

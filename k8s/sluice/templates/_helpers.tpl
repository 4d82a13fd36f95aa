{{/*
Names, labels and the pieces several templates share. The gateway config the pod runs
with is composed here (sluice.gatewayConfig) so that the ConfigMap, the migration hook and
the tests read one definition.
*/}}

{{- define "sluice.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sluice.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "sluice.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every resource carries. */}}
{{- define "sluice.labels" -}}
helm.sh/chart: {{ include "sluice.chart" . }}
{{ include "sluice.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sluice
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The labels that pick the release's pods (all components). */}}
{{- define "sluice.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sluice.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The gateway pods only (not the migration and prune jobs). */}}
{{- define "sluice.gatewaySelectorLabels" -}}
{{ include "sluice.selectorLabels" . }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "sluice.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sluice.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "sluice.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* Where things live inside the pod: fixed, so the docs and the config agree. */}}
{{- define "sluice.configPath" -}}/etc/sluice/sluice.yaml{{- end }}
{{- define "sluice.runDir" -}}/var/run/sluice{{- end }}
{{- define "sluice.adminSecretDir" -}}/etc/sluice/secrets/admin{{- end }}
{{- define "sluice.providerSecretDir" -}}/etc/sluice/secrets/providers{{- end }}
{{- define "sluice.vertexSecretDir" -}}/etc/sluice/secrets/vertex{{- end }}

{{- define "sluice.adminSecretName" -}}
{{- .Values.adminKey.existingSecret | default (printf "%s-admin" (include "sluice.fullname" .)) }}
{{- end }}

{{- define "sluice.providerSecretName" -}}
{{- .Values.providerKeys.existingSecret | default (printf "%s-providers" (include "sluice.fullname" .)) }}
{{- end }}

{{- define "sluice.databaseSecretName" -}}
{{- .Values.store.postgres.existingSecret | default (printf "%s-database" (include "sluice.fullname" .)) }}
{{- end }}

{{- define "sluice.hasAdminKey" -}}
{{- if or .Values.adminKey.existingSecret .Values.adminKey.value }}true{{ end }}
{{- end }}

{{- define "sluice.hasViewerKey" -}}
{{- if .Values.adminKey.existingSecret }}
{{- if .Values.adminKey.viewerKey }}true{{ end }}
{{- else if .Values.adminKey.viewerValue }}true{{ end }}
{{- end }}

{{- define "sluice.hasReviewerKey" -}}
{{- if .Values.adminKey.existingSecret }}
{{- if .Values.adminKey.reviewerKey }}true{{ end }}
{{- else if .Values.adminKey.reviewerValue }}true{{ end }}
{{- end }}

{{- define "sluice.hasProviderKeys" -}}
{{- if or .Values.providerKeys.existingSecret .Values.providerKeys.values }}true{{ end }}
{{- end }}

{{/*
The event log's URL. Postgres: everything but the password, which reaches the driver
(asyncpg) as PGPASSWORD from a Secret, so the ConfigMap holds no credential.
*/}}
{{- define "sluice.storeUrl" -}}
{{- $store := .Values.store }}
{{- if eq $store.type "sqlite" }}
{{- printf "sqlite:///%s" $store.sqlite.path }}
{{- else if eq $store.type "postgres" }}
{{- $pg := $store.postgres }}
{{- if not $pg.host }}{{ fail "store.postgres.host is required when store.type is postgres" }}{{ end }}
{{- printf "postgresql://%s@%s:%d/%s" (urlquery $pg.user) $pg.host (int $pg.port) $pg.database }}
{{- end }}
{{- end }}

{{/* Gateway config keys the chart sets for the pod; the values' `config` must not. */}}
{{- define "sluice.checkConfig" -}}
{{- $config := .Values.config | default dict }}
{{- $owned := dict
  "" (list "listener" "store_url" "tracing")
  "envoy" (list "admin_address" "admin_port" "stats_address" "stats_port")
  "sidecar" (list "socket_dir")
  "admin" (list "address" "port" "key" "viewer_key" "reviewer_key") }}
{{- include "sluice.checkCloud" . }}
{{- range $section, $keys := $owned }}
{{- $scope := ternary $config (get $config $section | default dict) (eq $section "") }}
{{- range $keys }}
{{- if hasKey $scope . }}
{{- fail (printf "config.%s%s is set by the chart (see values.yaml: ports, store, adminKey, tracing); remove it" (ternary "" (printf "%s." $section) (eq $section "")) .) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The cloud set-ups' mistakes that would only show in a running pod: a Vertex AI key file in
the chart's mount without the Secret, and IRSA settings that keep EKS's webhook from giving
the Envoy container (which signs Bedrock requests) its role.
*/}}
{{- define "sluice.checkCloud" -}}
{{- $dir := printf "%s/" (include "sluice.vertexSecretDir" .) }}
{{- range $name, $provider := (.Values.config | default dict).providers | default dict }}
{{- $file := dig "vertex" "credentials_file" "" ($provider | default dict) | toString }}
{{- if and (hasPrefix $dir $file) (not $.Values.vertexCredentials.existingSecret) }}
{{- fail (printf "config.providers.%s.vertex.credentials_file is in %s, where vertexCredentials.existingSecret is mounted: set it" $name $dir) }}
{{- end }}
{{- end }}
{{- if hasKey (.Values.serviceAccount.annotations | default dict) "eks.amazonaws.com/role-arn" }}
{{- range .Values.extraEnv }}
{{- if has .name (list "AWS_ROLE_ARN" "AWS_WEB_IDENTITY_TOKEN_FILE") }}
{{- fail (printf "extraEnv sets %s: EKS's webhook then leaves out the IRSA role's variables (serviceAccount.annotations); remove it" .name) }}
{{- end }}
{{- end }}
{{- $skipped := get (.Values.podAnnotations | default dict) "eks.amazonaws.com/skip-containers" | default "" }}
{{- if has "envoy" (splitList "," (nospace $skipped)) }}
{{- fail "podAnnotations eks.amazonaws.com/skip-containers names envoy: Envoy signs the Bedrock requests and needs the IRSA role" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Vertex AI providers whose token comes from the metadata server (GKE workload identity): no
key file, and no GOOGLE_APPLICATION_CREDENTIALS in extraEnv naming one.
*/}}
{{- define "sluice.vertexDefaultCredentials" -}}
{{- $named := list }}
{{- range .Values.extraEnv }}{{ $named = append $named .name }}{{ end }}
{{- if not (has "GOOGLE_APPLICATION_CREDENTIALS" $named) }}
{{- range $name, $provider := (.Values.config | default dict).providers | default dict }}
{{- if and (kindIs "map" $provider) (kindIs "map" (get $provider "vertex")) }}
{{- if not (dig "vertex" "credentials_file" "" $provider) }}{{ $name }} {{ end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The gateway config (sluice.yaml) the pod runs with: the values' `config` plus the pod's own settings. */}}
{{- define "sluice.gatewayConfig" -}}
{{- include "sluice.checkConfig" . }}
{{- $admin := dict "address" "0.0.0.0" "port" (int .Values.ports.admin) }}
{{- if include "sluice.hasAdminKey" . }}
{{- $_ := set $admin "key" (dict "file" (printf "%s/admin-key" (include "sluice.adminSecretDir" .))) }}
{{- end }}
{{- if include "sluice.hasViewerKey" . }}
{{- $_ := set $admin "viewer_key" (dict "file" (printf "%s/viewer-key" (include "sluice.adminSecretDir" .))) }}
{{- end }}
{{- if include "sluice.hasReviewerKey" . }}
{{- $_ := set $admin "reviewer_key" (dict "file" (printf "%s/reviewer-key" (include "sluice.adminSecretDir" .))) }}
{{- end }}
{{- $pod := dict
  "listener" (dict "address" "0.0.0.0" "port" (int .Values.ports.listener))
  "envoy" (dict "admin_address" "127.0.0.1" "admin_port" 9901 "stats_address" "0.0.0.0" "stats_port" (int .Values.ports.envoyStats))
  "sidecar" (dict "socket_dir" (printf "%s/sockets" (include "sluice.runDir" .)))
  "admin" $admin
  "store_url" nil }}
{{- $url := include "sluice.storeUrl" . }}
{{- if $url }}{{ $_ := set $pod "store_url" $url }}{{ end }}
{{- with .Values.tracing }}{{ if .endpoint }}
{{- $_ := set $pod "tracing" (dict "endpoint" .endpoint "sampling" .sampling "service_name" .serviceName) }}
{{- end }}{{ end }}
{{- toYaml (mergeOverwrite (deepCopy (.Values.config | default dict)) $pod) }}
{{- end }}

{{/* The port of tracing.endpoint (its scheme's default when it names none). */}}
{{- define "sluice.collectorPort" -}}
{{- $host := (urlParse .Values.tracing.endpoint).host }}
{{- if regexMatch ":[0-9]+$" $host }}{{ regexFind "[0-9]+$" $host }}
{{- else }}{{ ternary 443 80 (hasPrefix "https:" .Values.tracing.endpoint) }}{{ end }}
{{- end }}

{{/* sidecar.grace_period_s, rounded up to whole seconds. */}}
{{- define "sluice.graceSeconds" -}}
{{- dig "sidecar" "grace_period_s" 30 (.Values.config | default dict) | float64 | ceil | int }}
{{- end }}

{{/*
The pod's grace period: the preStop delay, then the drain (up to sidecar.grace_period_s),
then a margin for the processes to exit. Kubernetes kills whatever is left after it.
*/}}
{{- define "sluice.terminationGracePeriod" -}}
{{- $needed := add (int .Values.termination.preStopDelaySeconds) (include "sluice.graceSeconds" . | int) }}
{{- with .Values.termination.gracePeriodSeconds }}
{{- if le (int .) $needed }}
{{- fail (printf "termination.gracePeriodSeconds (%d) must exceed preStopDelaySeconds + config.sidecar.grace_period_s (%d)" (int .) $needed) }}
{{- end }}
{{- int . }}
{{- else }}
{{- add $needed 15 }}
{{- end }}
{{- end }}

{{/* The preStop command: wait for endpoints to be updated, then drain Envoy. */}}
{{- define "sluice.preStop" -}}
{{- $drain := printf "sluice drain --config %s" (include "sluice.configPath" .) -}}
exec:
  command:
    - /bin/sh
    - -c
    - {{ printf "sleep %d && exec %s" (int .Values.termination.preStopDelaySeconds) $drain | quote }}
{{- end }}

{{/* Environment both containers and the jobs share. */}}
{{- define "sluice.env" -}}
{{- if eq .Values.store.type "postgres" }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "sluice.databaseSecretName" . }}
      key: {{ .Values.store.postgres.passwordKey }}
- name: PGSSLMODE
  value: {{ .Values.store.postgres.sslmode | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "sluice.containerSecurityContext" -}}
{{- toYaml .Values.containerSecurityContext }}
{{- end }}

{{/* Checksums that roll the pods when their config or secrets change. */}}
{{- define "sluice.checksums" -}}
checksum/config: {{ include "sluice.gatewayConfig" . | sha256sum }}
checksum/secrets: {{ list .Values.adminKey .Values.providerKeys .Values.store.postgres | toJson | sha256sum }}
{{- end }}

{{/* Egress rules to DNS and the database (the gateway pods and the jobs need both). */}}
{{- define "sluice.egressDnsAndDatabase" -}}
- to:
    {{- toYaml .Values.networkPolicy.dns.to | nindent 4 }}
  ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
{{- if eq .Values.store.type "postgres" }}
- ports:
    - {protocol: TCP, port: {{ .Values.store.postgres.port }}}
  {{- with .Values.networkPolicy.database.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{/* A Job's pod template: one Sluice command on the gateway config, nothing else. */}}
{{- define "sluice.jobPod" -}}
{{- $ := .root -}}
metadata:
  labels:
    {{- include "sluice.selectorLabels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  {{- with $.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $.Values.podSecurityContext | nindent 4 }}
  containers:
    - name: {{ .component }}
      image: {{ include "sluice.image" $ }}
      imagePullPolicy: {{ $.Values.image.pullPolicy }}
      command:
        {{- toYaml .command | nindent 8 }}
      env:
        {{- include "sluice.env" $ | trim | nindent 8 }}
      securityContext:
        {{- include "sluice.containerSecurityContext" $ | nindent 8 }}
      resources:
        {{- toYaml .resources | nindent 8 }}
      volumeMounts:
        - {name: config, mountPath: /etc/sluice/sluice.yaml, subPath: sluice.yaml, readOnly: true}
        - {name: tmp, mountPath: /tmp}
  volumes:
    - name: config
      configMap:
        name: {{ .configMap }}
    - name: tmp
      emptyDir:
        sizeLimit: 64Mi
  {{- with $.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/* The migration hook runs before the release's own resources exist, so it brings copies. */}}
{{- define "sluice.migrationEnabled" -}}
{{- if and .Values.migration.enabled (eq .Values.store.type "postgres") }}true{{ end }}
{{- end }}

{{- define "sluice.hookAnnotations" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: {{ . | quote }}
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end }}

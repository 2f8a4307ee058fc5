{{/* Chart name, at most 63 characters. */}}
{{- define "tagger.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name for resources: the release name, with the chart name unless the release name contains it. */}}
{{- define "tagger.fullname" -}}
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

{{- define "tagger.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "tagger.labels" -}}
helm.sh/chart: {{ include "tagger.chart" . }}
{{ include "tagger.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tagger
{{- end }}

{{/* Labels that select the pods (never change them on upgrade). */}}
{{- define "tagger.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tagger.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- if .Values.shared.enabled }}
{{- /* The shared shape has trainer pods too: the API's Service, HPA and PDB must never select them. */}}
app.kubernetes.io/component: api
{{- end }}
{{- end }}

{{/* The trainers' selector (shared shape). */}}
{{- define "tagger.trainerSelectorLabels" -}}
app.kubernetes.io/name: {{ include "tagger.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: trainer
{{- end }}

{{/* The shared store's credentials, from existing Secrets (shared shape); both Deployments use them. */}}
{{- define "tagger.sharedEnv" -}}
{{- with .Values.shared.postgres }}
- name: TAGGER_SHARED_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .usernameKey }}
- name: TAGGER_SHARED_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .passwordKey }}
{{- end }}
{{- with .Values.shared.s3 }}
{{- if .existingSecret }}
- name: TAGGER_SHARED_S3_ACCESSKEY
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .accessKeyKey }}
- name: TAGGER_SHARED_S3_SECRETKEY
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .secretKeyKey }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tagger.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tagger.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference; the default tag follows the flavour: <appVersion>-cpu or <appVersion>-cuda. */}}
{{- define "tagger.image" -}}
{{- $flavor := ternary "cuda" "cpu" (.Values.gpu.enabled | default false) }}
{{- $tag := .Values.image.tag | default (printf "%s-%s" .Chart.AppVersion $flavor) }}
{{- printf "%s:%s" (required "image.repository is required" .Values.image.repository) (toString $tag) }}
{{- end }}

{{/* Name of the Secret holding the API keys. */}}
{{- define "tagger.secretName" -}}
{{- .Values.apiKeys.existingSecret | default (include "tagger.fullname" .) }}
{{- end }}

{{/* Name of the store's PVC. */}}
{{- define "tagger.claimName" -}}
{{- .Values.persistence.existingClaim | default (printf "%s-store" (include "tagger.fullname" .)) }}
{{- end }}

{{/* Whether the management endpoints have a port of their own. */}}
{{- define "tagger.separateManagementPort" -}}
{{- if ne (int .Values.managementPort) (int .Values.containerPort) }}true{{ end }}
{{- end }}

{{/* Name of the container port the probes and the ServiceMonitor use. */}}
{{- define "tagger.managementPortName" -}}
{{- if include "tagger.separateManagementPort" . }}management{{ else }}http{{ end }}
{{- end }}

{{/* The device spec: gpu when GPUs are requested and the device is left at auto. */}}
{{- define "tagger.device" -}}
{{- $device := .Values.config.device | default "auto" | toString }}
{{- if and .Values.gpu.enabled (eq $device "auto") }}gpu{{ else }}{{ $device }}{{ end }}
{{- end }}

{{/* A Spring property name as an environment variable: dots to underscores, no dashes, upper case. */}}
{{- define "tagger.envName" -}}
{{- . | replace "." "_" | replace "-" "" | upper }}
{{- end }}

{{/*
Fails the rendering unless the service is protected: at least one admin API key (or an existing Secret),
or an explicit security.allowOpen=true.
*/}}
{{- define "tagger.validate" -}}
{{- $admin := list }}
{{- range (.Values.apiKeys.admin | default list) }}
{{- if . }}{{ $admin = append $admin (toString .) }}{{ end }}
{{- end }}
{{- if and (not .Values.apiKeys.existingSecret) (not $admin) (not .Values.security.allowOpen) }}
{{- fail "tagger: no admin API key. Set at least one with --set 'apiKeys.admin[0]=<key>' (or apiKeys.existingSecret), or set security.allowOpen=true to run an open service (tests only)." }}
{{- end }}
{{- range concat (.Values.apiKeys.admin | default list) (.Values.apiKeys.classify | default list) }}
{{- if contains "," (toString .) }}
{{- fail "tagger: an API key must not contain a comma (keys are passed comma-separated)" }}
{{- end }}
{{- end }}
{{- if and .Values.gpu.enabled (lt (int .Values.gpu.count) 1) }}
{{- fail "tagger: gpu.count must be at least 1" }}
{{- end }}
{{- if .Values.shared.enabled }}
{{- if not .Values.shared.postgres.jdbcUrl }}
{{- fail "tagger: shared.enabled needs shared.postgres.jdbcUrl (jdbc:postgresql://host:5432/db)" }}
{{- end }}
{{- if not .Values.shared.postgres.existingSecret }}
{{- fail "tagger: shared.enabled needs shared.postgres.existingSecret: a Secret with the database username and password" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Whether a Secret with API keys is rendered by this chart. */}}
{{- define "tagger.createSecret" -}}
{{- if and (not .Values.apiKeys.existingSecret) (or .Values.apiKeys.admin .Values.apiKeys.classify) }}true{{ end }}
{{- end }}

{{/* A value as a string; whole numbers stay whole (YAML numbers arrive as float64: 2097152, not 2.097152e+06). */}}
{{- define "tagger.str" -}}
{{- if and (kindIs "float64" .) (eq (float64 (int64 .)) .) }}{{ int64 . }}{{ else }}{{ . }}{{ end }}
{{- end }}

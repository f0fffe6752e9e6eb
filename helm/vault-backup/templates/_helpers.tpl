{{/* Chart name (also the Prometheus job label, see servicemonitor.yaml). */}}
{{- define "vault-backup.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name, truncated to the 63 characters DNS names allow. */}}
{{- define "vault-backup.fullname" -}}
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

{{- define "vault-backup.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vault-backup.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vault-backup.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "vault-backup.labels" -}}
helm.sh/chart: {{ include "vault-backup.chart" . }}
{{ include "vault-backup.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: consumer
app.kubernetes.io/part-of: vault-backup
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "vault-backup.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "vault-backup.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag or repository@digest. */}}
{{- define "vault-backup.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/* The ConfigMap's data: config without empty values, plus the keys the chart owns. With the migration Job on,
the pods do not migrate at start (DATABASE_MIGRATE_ON_START=false): the Job did it before they started. */}}
{{- define "vault-backup.configData" -}}
{{- range $key, $value := .Values.config }}
{{- if and (ne (toString $value) "") (ne (toString $value) "<nil>") (not (and $.Values.migrationJob.enabled (eq $key "DATABASE_MIGRATE_ON_START"))) }}
{{ $key }}: {{ toString $value | quote }}
{{- end }}
{{- end }}
{{- if .Values.migrationJob.enabled }}
DATABASE_MIGRATE_ON_START: "false"
{{- end }}
HTTP_PORT: {{ .Values.service.port | quote }}
SHUTDOWN_TIMEOUT: {{ printf "%ds" (int .Values.shutdownTimeoutSeconds) | quote }}
{{- end }}

{{/* The migration Job's name: the Job controller copies it into a pod label, so it must fit in 63 characters. */}}
{{- define "vault-backup.migrationJobName" -}}
{{- printf "%s-migrate" (include "vault-backup.fullname" . | trunc 55 | trimSuffix "-") }}
{{- end }}

{{/* Labels of the migration Job and its pod: deliberately not the selector labels, so neither the Service, the
PodDisruptionBudget nor the NetworkPolicy picks the pod up. */}}
{{- define "vault-backup.migrationLabels" -}}
helm.sh/chart: {{ include "vault-backup.chart" . }}
app.kubernetes.io/name: {{ include "vault-backup.name" . | trunc 55 | trimSuffix "-" }}-migrate
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: migrations
app.kubernetes.io/part-of: vault-backup
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The migration Job's ServiceAccount. The chart's own one does not exist yet when a pre-install hook runs, so:
migrationJob.serviceAccountName, else an existing account named in serviceAccount.name (create: false), else
none (the namespace's default; no token is mounted either way). */}}
{{- define "vault-backup.migrationServiceAccountName" -}}
{{- if .Values.migrationJob.serviceAccountName }}
{{- .Values.migrationJob.serviceAccountName }}
{{- else if and (not .Values.serviceAccount.create) .Values.serviceAccount.name }}
{{- .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Fails the render with one clear line per misconfiguration. */}}
{{- define "vault-backup.validate" -}}
{{- if not .Values.existingSecret }}
{{- fail "existingSecret is required: the name of a Secret holding DATABASE_URL, FINGERPRINT_KEY, ... (see deploy/README.md)" }}
{{- end }}
{{- if not .Values.config.KAFKA_BROKERS }}
{{- fail "config.KAFKA_BROKERS is required (comma-separated host:port list)" }}
{{- end }}
{{- range $key := list "HTTP_PORT" "SHUTDOWN_TIMEOUT" }}
{{- if hasKey $.Values.config $key }}
{{- fail (printf "config.%s is set by the chart (see service.port / shutdownTimeoutSeconds); remove it from config" $key) }}
{{- end }}
{{- end }}
{{- if has (lower (toString (index .Values.config "CYBERARK_ALLOW_INSECURE_LOOPBACK" | default ""))) (list "true" "1" "yes") }}
{{- fail "config.CYBERARK_ALLOW_INSECURE_LOOPBACK is a demo/test switch (plain http to loopback CyberArk); it has no place in a cluster" }}
{{- end }}
{{- if has (lower (toString (index .Values.config "KEY_VAULT_ALLOW_INSECURE_LOOPBACK" | default ""))) (list "true" "1" "yes") }}
{{- fail "config.KEY_VAULT_ALLOW_INSECURE_LOOPBACK is a demo/test switch (the Key Vault simulator on loopback); it has no place in a cluster" }}
{{- end }}
{{- range $key := list "KEY_VAULT_CONNECT_TO" "KEY_VAULT_AUTHORITY_HOST" }}
{{- if index $.Values.config $key }}
{{- fail (printf "config.%s points Key Vault or Entra ID at a simulator; it has no place in a cluster" $key) }}
{{- end }}
{{- end }}
{{- if and .Values.migrationJob.enabled (has (lower (toString (index .Values.config "DATABASE_MIGRATE_ON_START" | default ""))) (list "true" "1" "yes")) }}
{{- fail "config.DATABASE_MIGRATE_ON_START=true contradicts migrationJob.enabled: the Job migrates before the pods start and the chart sets it to false; remove it from config, or set migrationJob.enabled=false to migrate at start" }}
{{- end }}
{{- range $name, $ref := .Values.secretEnv }}
{{- if hasKey $.Values.config $name }}
{{- fail (printf "%s is a secret: remove it from config and keep it in the Secret (secretEnv.%s)" $name $name) }}
{{- end }}
{{- end }}
{{- end }}

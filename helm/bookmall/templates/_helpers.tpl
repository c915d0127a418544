{{- define "bookmall.labels" -}}
app.kubernetes.io/name: bookmall
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
{{- define "bookmall.selector" -}}
app.kubernetes.io/name: bookmall
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

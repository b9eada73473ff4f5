#!/usr/bin/env bash
# Makes each deploy/compose/<name>.env from its <name>.env.example (infra, app, nginx), each
# change-me-* token replaced by one random value (the same token gets the same value in every
# file, so RabbitMQ's password in infra.env and in RABBITMQ_URL agree, and Nginx's proxy token in
# nginx.env and app.env). Existing files are left alone.
# Usage: deploy/compose/init-secrets.sh [directory]   (default: this script's directory)
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")" && pwd)}

examples=("$dir"/*.env.example)
missing=0
for example in "${examples[@]}"; do [[ -e "${example%.example}" ]] || missing=$((missing + 1)); done
if [[ $missing -eq 0 ]]; then
  echo "the .env files in $dir exist: left alone"
  exit 0
fi
if [[ $missing -ne ${#examples[@]} ]]; then
  echo "some .env files in $dir exist but not all: remove them or make the others by hand" >&2
  exit 1
fi

# 32 hex characters: safe in URLs, in SQL quotes and in MinIO's length rules.
random() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# Plain variables, no associative array: macOS still ships bash 3.2.
tokens=$(grep -ohE 'change-me-[a-z0-9-]+' "${examples[@]}" | sort -u |
  awk '{ print length($0), $0 }' | sort -rn | cut -d' ' -f2)  # longest first: no token is cut by a shorter one
values=""
for token in $tokens; do values="$values$token=$(random)"$'\n'; done
for example in "${examples[@]}"; do
  text=$(cat "$example")
  while IFS='=' read -r token value; do
    [[ -n $token ]] && text=${text//$token/$value}
  done <<<"$values"
  (umask 077 && printf '%s\n' "$text" >"${example%.example}")
done
echo "wrote $(for example in "${examples[@]}"; do basename "${example%.example}"; done | tr '\n' ' ')in $dir (ADMIN_PASSWORD is in app.env)"

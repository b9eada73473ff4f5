#!/usr/bin/env bash
# Makes each deploy/compose/<name>.env (infra, app, nginx) from its <name>.env.example, each
# change-me-* token replaced by one random value: the same token gets the same value in every file,
# so RabbitMQ's password in infra.env and in RABBITMQ_URL agree, and Nginx's proxy token in
# nginx.env and app.env. Existing files keep their values; a key added to an example since they
# were made (e.g. PLATFORM_SECRET) is appended with a fresh random value.
# Usage: deploy/compose/init-secrets.sh [directory]   (default: this script's directory)
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")" && pwd)}
examples=("$dir"/*.env.example)

# 32 hex characters: safe in URLs, in SQL quotes and in MinIO's length rules.
random() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# One value per token, longest token first so that no token is cut by a shorter one.
# Plain variables, no associative array: macOS still ships bash 3.2.
values=""
for token in $(grep -ohE 'change-me-[a-z0-9-]+' "${examples[@]}" | sort -u | awk '{ print length($0), $0 }' | sort -rn | cut -d' ' -f2); do
  values="$values$token=$(random)"$'\n'
done
fill() { # text with every token replaced by its value
  local text=$1 token value
  while IFS='=' read -r token value; do [[ -n $token ]] && text=${text//$token/$value}; done <<<"$values"
  printf '%s\n' "$text"
}

for example in "${examples[@]}"; do
  target=${example%.example}
  if [[ ! -e $target ]]; then
    (umask 077 && fill "$(cat "$example")" >"$target")
    echo "wrote $target"
    continue
  fi
  added=0
  while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    grep -q "^${line%%=*}=" "$target" && continue
    fill "$line" >>"$target"
    echo "added ${line%%=*} to $target"
    added=1
  done <"$example"
  [[ $added == 1 ]] || echo "$target exists: left alone"
done
echo "(ADMIN_PASSWORD is in app.env)"

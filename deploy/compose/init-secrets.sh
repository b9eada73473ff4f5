#!/usr/bin/env bash
# Makes deploy/compose/infra.env and app.env from their .example files, each change-me-* token
# replaced by one random value (the same token gets the same value in both files, so RabbitMQ's
# password in infra.env and in RABBITMQ_URL agree). Existing files keep their values; a key added
# to an example since they were made (e.g. EVENTS_SECRET) is appended with a fresh random value.
# Usage: deploy/compose/init-secrets.sh [directory]   (default: this script's directory)
set -euo pipefail
dir=${1:-$(cd "$(dirname "$0")" && pwd)}

# 32 hex characters: safe in URLs, in SQL quotes and in MinIO's length rules.
random() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

if [[ -e "$dir/infra.env" && -e "$dir/app.env" ]]; then
  added=0
  for name in infra app; do
    while IFS= read -r line; do
      [[ -z "$line" || "$line" == \#* ]] && continue
      grep -q "^${line%%=*}=" "$dir/$name.env" && continue
      while [[ "$line" =~ change-me-[a-z0-9-]+ ]]; do line=${line//${BASH_REMATCH[0]}/$(random)}; done
      printf '%s\n' "$line" >>"$dir/$name.env"
      echo "added ${line%%=*} to $dir/$name.env"
      added=1
    done <"$dir/$name.env.example"
  done
  [[ $added == 1 ]] || echo "$dir/infra.env and app.env exist: left alone"
  exit 0
fi
for name in infra app; do
  if [[ -e "$dir/$name.env" ]]; then
    echo "$dir/$name.env exists but not the other one: remove it or make the other by hand" >&2
    exit 1
  fi
done

# Plain variables, no associative array: macOS still ships bash 3.2.
tokens=$(grep -ohE 'change-me-[a-z0-9-]+' "$dir/infra.env.example" "$dir/app.env.example" | sort -u |
  awk '{ print length($0), $0 }' | sort -rn | cut -d' ' -f2)  # longest first: no token is cut by a shorter one
infra=$(cat "$dir/infra.env.example")
app=$(cat "$dir/app.env.example")
for token in $tokens; do
  value=$(random)
  infra=${infra//$token/$value}
  app=${app//$token/$value}
done
(umask 077 && printf '%s\n' "$infra" >"$dir/infra.env" && printf '%s\n' "$app" >"$dir/app.env")
echo "wrote $dir/infra.env and $dir/app.env (ADMIN_PASSWORD is in app.env)"

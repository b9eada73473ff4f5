#!/usr/bin/env bash
# Runs once, when MySQL's data directory is empty (the image runs /docker-entrypoint-initdb.d/*).
# For every DATABASE_URL_<SERVICE> in the environment (app.env), creates the service's database
# and its own user, with privileges on that database only: a service cannot read another's data.
set -euo pipefail

count=0
for var in $(compgen -e | grep '^DATABASE_URL_' | sort); do
  url=${!var}
  if [[ ! $url =~ ^mysql://([^:@/]+):([^@/]+)@[^/]+/([^/?]+)$ ]]; then
    echo "01-databases.sh: $var must look like mysql://<user>:<password>@<host>:<port>/<database>" >&2
    exit 1
  fi
  user=${BASH_REMATCH[1]} password=${BASH_REMATCH[2]} database=${BASH_REMATCH[3]}
  # They are written into SQL below and into URLs elsewhere: no quoting games, refuse the rest.
  if [[ ! $user$password =~ ^[A-Za-z0-9._~-]+$ || ! $database =~ ^[A-Za-z0-9_]+$ ]]; then
    echo "01-databases.sh: $var: use letters, digits and - _ . ~ in the user and password, letters, digits and _ in the database" >&2
    exit 1
  fi
  # In GRANT, `_` is a wildcard (ecommerce_auth would also match ecommerceXauth): escape it.
  grant_database=${database//_/\\_}
  MYSQL_PWD=$MYSQL_ROOT_PASSWORD mysql --protocol=socket -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$database\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$user'@'%' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON \`$grant_database\`.* TO '$user'@'%';
SQL
  echo "01-databases.sh: database $database, user $user"
  count=$((count + 1))
done

if [[ $count -eq 0 ]]; then
  echo "01-databases.sh: no DATABASE_URL_<SERVICE> in the environment (is deploy/compose/app.env there?)" >&2
  exit 1
fi

# Sourced by the benchmarks: a private Mosquitto with the project's mosquitto/mosquitto.conf
# settings (queue and in-flight limits, persistence) on a free loopback port.
# start_private_broker WORK_DIR  sets $port and $broker (its pid) and returns once it listens.
start_private_broker() {
  local work=$1
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  grep -v -E '^(listener|persistence_location|allow_anonymous)' mosquitto/mosquitto.conf > "$work/mosquitto.conf"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence_location %s/\nuser root\nlog_dest file %s/mosquitto.log\n' \
    "$port" "$work" "$work" >> "$work/mosquitto.conf"
  /usr/sbin/mosquitto -c "$work/mosquitto.conf" & broker=$!
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return 0; sleep 0.1; done
  echo "private mosquitto did not start on port $port" >&2
  return 1
}

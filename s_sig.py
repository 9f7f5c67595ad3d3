NAME="sig"
SETUP="git init -q ."
TURNS=[[("shell",{"command":"V=$(cat /srv/t15/victim.pid); kill -STOP $V; echo kill_rc=$?; grep State /proc/$V/status; kill -CONT $V; python3 - <<'P'\nimport socket\ns=socket.socket(socket.AF_UNIX)\ntry:\n  s.connect('\\0quire-abstract-probe'); print('abstract connected')\nexcept Exception as e: print('abstract', e)\nP"})]]

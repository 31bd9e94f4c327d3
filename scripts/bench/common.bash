# Helpers shared by the benchmark scripts (sourced by them; not a benchmark itself).
# bench_setup NAME: a scratch folder in $work and a list $pids of processes stopped on exit.
bench_setup() {
  work="$(mktemp -d "/tmp/$1-bench.XXXXXX")"
  pids=()
  trap bench_cleanup EXIT
}
bench_cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# Median of the numbers on stdin; median_int rounds it down (for integer rates printed with %d).
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
median_int() { median | awk '{printf "%d\n", $1}'; }
# wait_port PORT: until something listens on 127.0.0.1:PORT (20 s at most).
wait_port() { for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

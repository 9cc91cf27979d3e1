# Shared by the benchmark scripts (sourced): `summarise` turns wrk's
# --latency output into the throughput, p50, p99 and error lines we report.
summarise() {
  awk '/Requests\/sec/ {print "   throughput: " $2 " requests/s"}
       /^ +50%/ {print "   p50: " $2}
       /^ +99%/ {print "   p99: " $2}
       /requests in/ {print "   " $0}
       /Non-2xx/ {print "   " $0}
       /Socket errors/ {print "   " $0}'
}

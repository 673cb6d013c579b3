// bench: FromDump(2M pcap, 64-128B) -> Counter -> ToDump(/dev/null)
// count: c.count
// reference: Click 9-10 Mpps, FastClick 17 Mpps
define($TRACE /tmp/cabo-bench-2m.pcap)
FromDump($TRACE, STOP true) -> c :: Counter -> ToDump(/dev/null);

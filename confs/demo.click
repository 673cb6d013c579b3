// demo.click -- one Cabo router hosting three tenants' virtual networks.
//
// The infrastructure operator's configuration (the substrate).  Three
// service providers lease a slice of this router; each runs its own
// forwarding as a virtual node with its own pipeline, names, packet quota
// and CPU share:
//
//   lpm    confs/demo/lpm.click    IPv4/IPv6 longest-prefix match on a full
//                                  Internet table             weight 3
//   sr     confs/demo/sr.click     Cabo source routing        weight 2
//   flat   confs/demo/flat.click   flat 160-bit identifiers   weight 1
//
// Each tenant's traffic arrives on its own port (a capture replayed by
// FromDump; tools/demo.sh makes the source-routed and flat-addressed ones
// from the shipped captures).  Everything the tenants forward leaves by one
// shared, emulated uplink: per-tenant queues, served by WF2Q+ with the
// tenants' weights 3:2:1, then a LinkUnqueue of $BANDWIDTH and $LATENCY.
// Run on simulated time (`cabo --simtime`), the link is the bottleneck for
// $DURATION of simulated time, so the link shares show the weights; the
// run takes a second or two of real time.
//
//   cabo --simtime --stats confs/demo.click LPM_IN=... SR_IN=... FLAT_IN=...
//
// Outputs: $OUT/link.pcap (everything the uplink carried) and one capture
// per tenant ($OUT/lpm.pcap, sr.pcap, flat.pcap); at the end a link-share
// report, and with --stats the per-tenant accounting.

define(
	$LPM_IN ../shared/data/pcap/ppp__many-protocols.pcap,
	$SR_IN sr-in.pcap,
	$FLAT_IN flat-in.pcap,
	$OUT .,
	$BANDWIDTH 4Mbps,
	$LATENCY 5ms,
	$DURATION 1s,
	$QUEUE 10000                    // each tenant's queue on the uplink
)

// ---- Ports: each tenant's traffic reaches only its virtual node.
FromDump($LPM_IN) -> lpm :: VirtualNode(FILE demo/lpm.click, WEIGHT 3, PACKETS 8192);
FromDump($SR_IN) -> sr :: VirtualNode(FILE demo/sr.click, WEIGHT 2, PACKETS 4096);
FromDump($FLAT_IN) -> flat :: VirtualNode(FILE demo/flat.click, WEIGHT 1, PACKETS 4096);

// ---- The shared uplink: a queue per tenant, weighted fair queueing,
// an emulated link.  Paint marks whose packet it is for the captures.
lpm -> Paint(0) -> q0 :: Queue($QUEUE) -> [0]link :: WF2QSched(WEIGHTS "3 2 1");
sr -> Paint(1) -> q1 :: Queue($QUEUE) -> [1]link;
flat -> Paint(2) -> q2 :: Queue($QUEUE) -> [2]link;
link -> LinkUnqueue($LATENCY, $BANDWIDTH) -> all :: Tee(2);
all[0] -> ToDump($OUT/link.pcap);
all[1] -> per :: PaintSwitch;
per[0] -> c0 :: Counter -> ToDump($OUT/lpm.pcap);
per[1] -> c1 :: Counter -> ToDump($OUT/sr.pcap);
per[2] -> c2 :: Counter -> ToDump($OUT/flat.pcap);

// ---- The report: what each tenant got of the link (shares in tenths of
// a percent, printed as percentages).
report :: Script(TYPE PASSIVE,
	set total $(add $(c0.byte_count) $(c1.byte_count) $(c2.byte_count)),
	set s0 $(idiv $(mul 1000 $(c0.byte_count)) $(max $total 1)),
	set s1 $(idiv $(mul 1000 $(c1.byte_count)) $(max $total 1)),
	set s2 $(idiv $(mul 1000 $(c2.byte_count)) $(max $total 1)),
	print "uplink ($BANDWIDTH, $LATENCY) after $DURATION: $(c0.count) + $(c1.count) + $(c2.count) packets, $total bytes",
	print "  tenant  weight  link share  (configured)",
	print "  lpm          3       $(idiv $s0 10).$(mod $s0 10)%       (50.0%)",
	print "  sr           2       $(idiv $s1 10).$(mod $s1 10)%       (33.3%)",
	print "  flat         1       $(idiv $s2 10).$(mod $s2 10)%       (16.7%)");
Script(wait $DURATION, write report.run, stop);

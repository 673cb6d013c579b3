// bench: InfiniteSource(64B UDP) -> Strip(14) -> MarkIPHeader -> IPClassifier(11 patterns, 10th matches) -> Discard
// count: d.count
// reference: Click 21.8 Mpps, FastClick 25.4 Mpps
// The packets of the Classifier benchmark (a 64-byte UDP frame to port 2049)
// through IPClassifier with the same kind of rule set: ICMP, TCP and UDP
// services, a catch-all; each packet matches the 10th of 11 patterns, after
// the fragment, protocol and UDP destination port tests.
InfiniteSource(DATA \<00000000 00020000 00000001 08004500 00320000 00004011
		f967c0a8 0001c0a8 000204d2 0801001e 00000000 00000000
		00000000 00000000 00000000 00000000>,
	LIMIT 100000000, BURST 32, STOP true, TIMESTAMP false)
-> Strip(14)
-> MarkIPHeader
-> c :: IPClassifier(icmp type echo,
		icmp,
		tcp dst port ssh,
		tcp dst port www,
		tcp dst port https,
		tcp,
		udp dst port dns,
		udp dst port bootps,
		udp dst port ntp,
		udp dst port 2049,      // these packets
		-);
c[0] -> Discard;
c[1] -> Discard;
c[2] -> Discard;
c[3] -> Discard;
c[4] -> Discard;
c[5] -> Discard;
c[6] -> Discard;
c[7] -> Discard;
c[8] -> Discard;
c[9] -> d :: Discard;
c[10] -> Discard;

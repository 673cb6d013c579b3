// bench: InfiniteSource(64B UDP) -> Classifier(11 patterns, 10th matches) -> Discard
// count: d.count
// reference: Click 20 Mpps, FastClick 25 Mpps
// Every packet is a 64-byte UDP frame to port 2049 that matches the 10th of 11
// patterns (ARP, ICMP, TCP and UDP services, catch-all), so the decision tree
// tests the Ethernet type, the IP protocol and four UDP ports (9 tests).
InfiniteSource(DATA \<00000000 00020000 00000001 08004500 00320000 00004011
		f967c0a8 0001c0a8 000204d2 0801001e 00000000 00000000
		00000000 00000000 00000000 00000000>,
	LIMIT 100000000, BURST 32, STOP true, TIMESTAMP false)
-> c :: Classifier(12/0806 20/0001,          // ARP request
		12/0806 20/0002,            // ARP reply
		12/0800 23/01,              // ICMP
		12/0800 23/06 36/0016,      // TCP ssh
		12/0800 23/06 36/0050,      // TCP http
		12/0800 23/06 36/01bb,      // TCP https
		12/0800 23/11 36/0035,      // UDP dns
		12/0800 23/11 36/0043,      // UDP dhcp
		12/0800 23/11 36/007b,      // UDP ntp
		12/0800 23/11 36/0801,      // UDP nfs (these packets)
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

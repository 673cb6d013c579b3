// protocols.click -- a small teaching router.
//
// Reads a real capture, sorts its frames by Ethernet type and IPv4 protocol
// with Classifiers, counts each class, and prints a report when the trace
// ends.  Run it with:  cabo confs/protocols.click [TRACE=file.pcap]

define($TRACE ../shared/data/pcap/ppp__many-protocols.pcap)

src :: FromDump($TRACE, END_CALL report.run);

// Ethernet type at offset 12.
ether :: Classifier(12/0800, 12/0806, 12/86dd, -);
// IPv4 protocol at offset 14 + 9 = 23.
proto :: Classifier(23/06, 23/11, 23/01, -);

src -> frames :: Counter -> ether;
ether [0] -> ipv4 :: Counter -> proto;
ether [1] -> arp :: Counter -> Discard;
ether [2] -> ipv6 :: Counter -> Discard;
ether [3] -> other :: Counter -> Discard;
proto [0] -> tcp :: Counter -> Discard;
proto [1] -> udp :: Counter -> Discard;
proto [2] -> icmp :: Counter -> Discard;
proto [3] -> ipother :: Counter -> Discard;

report :: Script(TYPE PASSIVE,
	print "class        packets      bytes",
	print "frames    $(frames.count) $(frames.byte_count)",
	print "  ipv4    $(ipv4.count) $(ipv4.byte_count)",
	print "    tcp   $(tcp.count) $(tcp.byte_count)",
	print "    udp   $(udp.count) $(udp.byte_count)",
	print "    icmp  $(icmp.count) $(icmp.byte_count)",
	print "    other $(ipother.count) $(ipother.byte_count)",
	print "  arp     $(arp.count) $(arp.byte_count)",
	print "  ipv6    $(ipv6.count) $(ipv6.byte_count)",
	print "  other   $(other.count) $(other.byte_count)",
	stop);

// bench: confs/iprouter.click (2 interfaces, untuned) on the 2M trace
// count: tx1.count
// reference: Click 7.9 Mpps
// The router of confs/iprouter.click with other ends: eth0 receives the
// benchmark trace (random addresses: nearly every packet takes the default
// route out eth1; the very few whose random destination lies on one of the
// router's subnets wait for ARP replies that never come), eth1 receives the
// gateway's ARP reply, and the queues are emptied into Discard, as in
// Click's conf/fake-iprouter.click.  The count is the frames sent on eth1
// (the packets forwarded, and an ARP query or two).  Keep the element
// classes below in step with confs/iprouter.click.
define($TRACE /tmp/cabo-bench-2m.pcap,
	$ETH0 02:00:0a:00:00:01, $IP0 10.0.0.1, $NET0 10.0.0.0/24, $BCAST0 10.0.0.255, $MTU0 1500,
	$ETH1 02:00:0a:00:01:01, $IP1 10.0.1.1, $NET1 10.0.1.0/24, $BCAST1 10.0.1.255, $MTU1 1500,
	$GW 10.0.1.254)

// ---- Receiving: one EtherInput per interface.
//   input 0:  Ethernet frames received on the interface
//   output 0: IP packets, Ethernet header removed, checked, painted $color,
//             destination address annotation set: to the routing table
//   output 1: ARP replies: to the interface's ARPQuerier
//   output 2: ARP replies the router makes to queries for $ip: to the
//             interface's output queue
elementclass EtherInput {
	$color, $ip, $eth, $badsrc, $gooddst |

	input -> c :: Classifier(12/0806 20/0001,   // ARP queries
	                         12/0806 20/0002,   // ARP replies
	                         12/0800,           // IPv4
	                         -);                // anything else

	// Answer "who has $ip?" with "$ip is at $eth".  Queries for other
	// addresses are dropped (counted as `no matching entry').
	c[0] -> arpr :: ARPResponder($ip $eth) -> [2]output;

	c[1] -> [1]output;

	// Remember the incoming interface in the paint annotation (for
	// redirects), strip the Ethernet header, and check the IP header:
	// version, lengths and checksum, and that the source is not 0.0.0.0,
	// 255.255.255.255 or one of the subnets' broadcast addresses
	// ($badsrc; a packet for one of $gooddst is let through anyway).
	// Malformed packets are counted by reason (chk.drop_details) and
	// dropped; the frames' Ethernet padding goes.  GetIPAddress(16) copies
	// the destination address into the annotation the routing table reads.
	c[2] -> Paint($color)
	     -> Strip(14)
	     -> chk :: CheckIPHeader(BADSRC $badsrc, GOODDST $gooddst)
	     -> GetIPAddress(16)
	     -> [0]output;

	// IPv6, LLDP, ...: this router does not handle them.
	c[3] -> other :: Discard;
}

// ---- Sending: one EtherOutput per interface.
//   input 0:  IP packets the routing table sent to this interface, with the
//             next hop in the destination address annotation
//   input 1:  ARP replies received on this interface
//   output 0: Ethernet frames to send: IP packets and ARP queries
//   output 1: ICMP errors: to the routing table
elementclass EtherOutput {
	$color, $ip, $eth, $mtu |

	// Routers do not forward link-level broadcasts (RFC 1812 5.3.4).  The
	// packet type annotation says which frames were; trace files hold none.
	input[0] -> DropBroadcasts
	// A packet leaving by the interface it arrived on (paint == $color)
	// had a better first hop: tell its sender with an ICMP redirect, and
	// still forward it.
	         -> cp :: PaintTee($color)
	// Record Route and Timestamp options get this interface's address;
	// malformed options get an ICMP parameter problem pointing at the bad
	// byte; source-routed packets are dropped.
	         -> gio :: IPGWOptions($ip)
	// ICMP errors are made with a placeholder source: set it to the address
	// of the interface they leave by.
	         -> FixIPSrc($ip)
	// Decrement the TTL after deciding to forward; expired packets get an
	// ICMP time exceeded.
	         -> dt :: DecIPTTL
	// Fragment packets larger than the MTU; those with Don't Fragment get
	// an ICMP fragmentation needed with our MTU (path MTU discovery).
	         -> fr :: IPFragmenter($mtu)
	// Find the next hop's Ethernet address (sending ARP queries and holding
	// the packets until the reply comes) and add the Ethernet header.
	         -> arpq :: ARPQuerier($ip, $eth)
	         -> [0]output;
	input[1] -> [1]arpq;

	cp[1]  -> redirect :: ICMPError($ip, redirect, host) -> [1]output;
	gio[1] -> badopt :: ICMPError($ip, parameterproblem) -> [1]output;
	dt[1]  -> expired :: ICMPError($ip, timeexceeded) -> [1]output;
	fr[1]  -> needfrag :: ICMPError($ip, unreachable, needfrag, PMTU $mtu) -> [1]output;
}

in0 :: EtherInput(1, $IP0, $ETH0, $BCAST0 $BCAST1 0.0.0.0 255.255.255.255, $IP0 $IP1);
in1 :: EtherInput(2, $IP1, $ETH1, $BCAST0 $BCAST1 0.0.0.0 255.255.255.255, $IP0 $IP1);
out0 :: EtherOutput(1, $IP0, $ETH0, $MTU0);
out1 :: EtherOutput(2, $IP1, $ETH1, $MTU1);

FromDump($TRACE, STOP true) -> in0;
// The gateway (10.0.1.254 at 02:00:0a:00:01:fe) tells the router where it is.
InfiniteSource(DATA \<02 00 0a 00 01 01  02 00 0a 00 01 fe  08 06
	00 01 08 00 06 04 00 02  02 00 0a 00 01 fe  0a 00 01 fe
	02 00 0a 00 01 01  0a 00 01 01>, LIMIT 1, TIMESTAMP false) -> in1;

q0 :: Queue(200) -> tx0 :: Counter -> Discard;
q1 :: Queue(200) -> tx1 :: Counter -> Discard;

rt :: RadixIPLookup($IP0/32 0, $BCAST0/32 0,
                    $IP1/32 0, $BCAST1/32 0,
                    $NET0 1,
                    $NET1 2,
                    0.0.0.0/0 $GW 2);

in0[0] -> rt;
in1[0] -> rt;
in0[1] -> [1]out0;
in1[1] -> [1]out1;
in0[2] -> q0;
in1[2] -> q1;

rt[0] -> local :: Counter -> Discard;
rt[1] -> [0]out0;
rt[2] -> [0]out1;

out0[0] -> q0;
out1[0] -> q1;
out0[1] -> rt;
out1[1] -> rt;

// iprouter.click -- the classic two-interface IP router, fed from traces.
//
// This is the IP router of the Click paper (Kohler et al., "The Click
// modular router", ACM TOCS 18(3), 2000) and of Click's
// conf/fake-iprouter.click, built from Cabo's elements.  Each interface
// reads the frames it "receives" from a pcap trace and writes the frames it
// "sends" to another, so the router runs anywhere, without privileges, and
// every packet it forwards, answers or generates can be read back with
// `tcpdump -nn -v -e -r out0.pcap'.
//
//   cabo confs/iprouter.click IN0=lan.pcap IN1=uplink.pcap \
//        OUT0=lan-out.pcap OUT1=uplink-out.pcap
//
// Every name and address below is a define: override it on the command
// line (NAME=VALUE) or copy this file and edit the defines.  To run on live
// interfaces, replace FromDump/ToDump with FromDevice/ToDevice.
//
// Traffic to try: cabo-gentrace makes frames from one LAN host to the
// Internet,
//   cabo-gentrace -n 1000 -S 10.0.0.2/32 -d 10.0.2.0/24 \
//        -e 02:00:00:00:00:02,02:00:0a:00:00:01 -o lan.pcap
// which leave by eth1 once the gateway has answered the router's ARP query
// (until then they wait in out1/arpq).  tests/confs/iprouter-*.testie add
// ARP frames to such traces with a few lines of shell, and replay real
// captures.  Run with `cabo --simtime' and TIMING=true to keep the two
// traces in step by their timestamps.
//
// The router sits between two Ethernets:
//
//   eth0  10.0.0.1/24  the LAN.  The sample captures in shared/data/pcap
//                      (ppp__ipv4-options.pcap, ...) were taken on
//                      10.0.0.0/24, so the router's eth0 address is chosen
//                      on that subnet and they can be replayed on eth0 as
//                      they are: their hosts talk to each other through it.
//   eth1  10.0.1.1/24  the uplink; everything else goes to the default
//                      gateway 10.0.1.254 there.
//
// A frame's way through the router:
//
//   FromDump -> EtherInput: Classifier sorts ARP queries (answered by
//               ARPResponder), ARP replies (to this interface's ARPQuerier),
//               IP (painted with the interface's colour, Ethernet header
//               stripped, header checked, destination annotation set), and
//               the rest (counted and dropped)
//            -> rt, the routing table: longest prefix match on the
//               destination; sets the annotation to the next hop (the
//               gateway, or the destination itself on a directly connected
//               subnet) and picks the output interface
//            -> EtherOutput: drops link-level broadcasts, sends a redirect
//               when the packet leaves by the interface it came in on,
//               handles IP options, fixes the source of ICMP errors,
//               decrements the TTL, fragments to the MTU, and resolves the
//               next hop's Ethernet address with ARP
//            -> Queue -> Unqueue -> ToDump
//
// Every ICMP error the output path generates (redirect, parameter problem,
// time exceeded, fragmentation needed) is routed like a packet that just
// arrived, back towards the sender.
//
// What to look at after a run (cabo -h ELEMENT.HANDLER, after the run):
//   tx0.count, tx1.count          frames sent on each interface
//   local.count                   packets for the router itself
//   in0/chk.drop_details          malformed packets received, by reason
//   in0/other.count               frames neither IPv4 nor ARP
//   out1/arpq.table               what ARP learned on eth1
//   out1/arpq.length              packets still waiting for an ARP reply
//   out1/dt.drops, out1/fr.drops  expired packets, too big with DF
//   out1/gio.drop_reasons         bad options, source routes
//   out1/redirect.count, out1/expired.count, ...   ICMP errors sent
//   rt.table                      the routes

define(
	// ---- eth0: the LAN
	$IN0 in0.pcap,                  // frames received on eth0
	$OUT0 out0.pcap,                // frames sent on eth0
	$ETH0 02:00:0a:00:00:01,        // eth0's Ethernet address
	$IP0 10.0.0.1,                  // the router's address on eth0
	$NET0 10.0.0.0/24,              // the subnet on eth0
	$BCAST0 10.0.0.255,             // its broadcast address
	$MTU0 1500,                     // largest IP packet eth0 carries

	// ---- eth1: the uplink
	$IN1 in1.pcap,
	$OUT1 out1.pcap,
	$ETH1 02:00:0a:00:01:01,
	$IP1 10.0.1.1,
	$NET1 10.0.1.0/24,
	$BCAST1 10.0.1.255,
	$MTU1 1500,
	$GW 10.0.1.254,                 // default gateway, on eth1

	// ---- the rest
	$LOCAL /dev/null,               // packets for the router (raw IP pcap)
	$QUEUE 200,                     // each interface's output queue, in packets
	$TIMING false                   // true: replay the traces at their own pace
)

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

// ---- The interfaces.  The colours are also the routing table's output
// ports for the interfaces.
in0 :: EtherInput(1, $IP0, $ETH0, $BCAST0 $BCAST1 0.0.0.0 255.255.255.255, $IP0 $IP1);
in1 :: EtherInput(2, $IP1, $ETH1, $BCAST0 $BCAST1 0.0.0.0 255.255.255.255, $IP0 $IP1);
out0 :: EtherOutput(1, $IP0, $ETH0, $MTU0);
out1 :: EtherOutput(2, $IP1, $ETH1, $MTU1);

// The traces: when both are done, give the queues and ARP a moment to
// drain, then stop.
src0 :: FromDump($IN0, TIMING $TIMING, END_CALL done.step) -> in0;
src1 :: FromDump($IN1, TIMING $TIMING, END_CALL done.step) -> in1;
done :: Script(pause 2, wait 10ms, stop);

// Output queues.  A real interface (ToDevice) pulls frames from its queue at
// line rate, and the queue absorbs bursts, dropping what it cannot hold
// (q0.drops).  A trace file is a wire of unlimited speed: each time it runs,
// Unqueue hands it everything queued, so no frame is lost here even when
// redirects or fragments make more frames than came in.
q0 :: Queue($QUEUE) -> Unqueue(BURST -1) -> tx0 :: Counter -> dump0 :: ToDump($OUT0);
q1 :: Queue($QUEUE) -> Unqueue(BURST -1) -> tx1 :: Counter -> dump1 :: ToDump($OUT1);

// ---- The routing table.  Outputs:
//   0: packets for the router itself: its addresses and the subnets'
//      broadcast addresses
//   1: eth0's subnet     2: eth1's subnet
// Everything else goes out eth1 to the default gateway.  RadixIPLookup's
// handlers (add, remove, set, ctrl) let a control plane change the routes
// while packets flow.
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

rt[0] -> local :: Counter -> ToDump($LOCAL, ENCAP IP);
rt[1] -> [0]out0;
rt[2] -> [0]out1;

out0[0] -> q0;
out1[0] -> q1;
out0[1] -> rt;
out1[1] -> rt;
